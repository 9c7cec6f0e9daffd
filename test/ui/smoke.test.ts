import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { openSdlcContainer, openWorkbench, viewHeader, type Workbench } from './driver';

describe('UI smoke', () => {
  let wb: Workbench | undefined;
  after(async () => { await wb?.close(); });

  it('shows the SDLC container with the Repositories view on an empty folder', async () => {
    wb = await openWorkbench();
    await openSdlcContainer(wb.page);
    await viewHeader(wb.page, 'Repositories').waitFor({ state: 'visible' });
    const file = await wb.screenshot('smoke-empty-folder');
    assert.ok(existsSync(file), `${file} was not written`);
  });
});
