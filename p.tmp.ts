import * as fs from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { rewriteNullable, specPath, loadSpec } from './test/support/fakeGithub/spec';
(async () => {
  let t = Date.now();
  const doc: any = rewriteNullable(JSON.parse(fs.readFileSync(specPath(), 'utf8')));
  console.log('parse+rewrite', Date.now() - t);
  t = Date.now();
  const ajv = new Ajv({ strict: false, inlineRefs: false, logger: false });
  addFormats(ajv);
  ajv.addFormat('repo.nwo', /./); ajv.addFormat('timestamp', /./); ajv.addFormat('int32', /./);ajv.addFormat('int64', /./); ajv.addFormat('binary', /./);ajv.addFormat('double', /./);
  ajv.addSchema({ $id: 'gh', components: doc.components });
  console.log('addSchema', Date.now() - t);
  const ops: Record<string, any> = {};
  for (const it of Object.values<any>(doc.paths)) for (const o of Object.values<any>(it)) if (o.operationId) ops[o.operationId] = o;
  const fix = (s: any): any => JSON.parse(JSON.stringify(s).replace(/"\$ref":"#\//g, '"$ref":"gh#/'));
  for (const id of ['repos/get', 'pulls/list', 'pulls/get', 'repos/get-combined-status-for-ref', 'checks/list-for-ref', 'users/get-authenticated']) {
    t = Date.now();
    const v = ajv.compile(fix(ops[id].responses['200'].content['application/json'].schema));
    console.log(id, Date.now() - t, v({}));
  }
  const spec = await loadSpec();
  for (const id of ['repos/get', 'pulls/list', 'pulls/get', 'repos/get-combined-status-for-ref']) {
    t = Date.now();
    spec.api.validateResponse({}, id, 200);
    console.log('backend', id, Date.now() - t);
  }
})();
