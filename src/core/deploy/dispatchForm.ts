/**
 * The typed form of a workflow's `on.workflow_dispatch.inputs` (read with `yaml`): boolean, choice
 * (only its options), environment (the repository's environments), number, string; required and
 * defaults honoured. `validateInputs` turns the values a person or the config gave into what the
 * dispatch API takes (GitHub wants every input as a string, at most 25).
 */
import { parse } from 'yaml';
import { SdlcError } from '../errors';

export type InputType = 'boolean' | 'choice' | 'environment' | 'number' | 'string';

export interface DispatchInput {
  name: string;
  type: InputType;
  description: string;
  required: boolean;
  default?: string | number | boolean;
  /** choice: the options. */
  options?: string[];
}

/** The inputs of a workflow file; a workflow without a workflow_dispatch trigger is an error. */
export function parseDispatchInputs(yamlText: string, file: string): DispatchInput[] {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (e) {
    throw new SdlcError('InvalidWorkflow', `${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, { usage: true, cause: e });
  }
  const on = isObject(doc) ? (doc.on ?? doc.true) : undefined; // YAML 1.1 readers turn `on` into true
  const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on : isObject(on) ? Object.keys(on) : [];
  if (!triggers.includes('workflow_dispatch')) {
    throw new SdlcError('NoDispatchTrigger', `${file} has no workflow_dispatch trigger, so it cannot be started from here. Add "on: workflow_dispatch" to it, or deploy this environment with a GitHub deployment (remove "deploy.workflow").`, { usage: true });
  }
  const dispatch = isObject(on) ? on.workflow_dispatch : null;
  const inputs = isObject(dispatch) && isObject(dispatch.inputs) ? dispatch.inputs : {};
  return Object.entries(inputs).map(([name, raw]) => {
    const spec = isObject(raw) ? raw : {};
    const type = (['boolean', 'choice', 'environment', 'number', 'string'] as const).find((t) => t === spec.type) ?? 'string';
    const input: DispatchInput = { name, type, description: typeof spec.description === 'string' ? spec.description : '', required: spec.required === true };
    if (spec.default !== undefined && spec.default !== null) input.default = spec.default as string | number | boolean;
    if (type === 'choice') input.options = Array.isArray(spec.options) ? spec.options.map(String) : [];
    return input;
  });
}

/**
 * Checks `values` against the form: unknown inputs, missing required ones, a choice outside its
 * options, a number that is not one, a boolean that is not true/false, an environment GitHub does
 * not know. Returns the inputs to send (strings; defaults are left to GitHub).
 */
export function validateInputs(form: readonly DispatchInput[], values: Readonly<Record<string, unknown>>, context: { environments?: readonly string[]; file: string }): Record<string, string> {
  const problems: string[] = [];
  const out: Record<string, string> = {};
  for (const name of Object.keys(values)) {
    if (!form.some((i) => i.name === name)) problems.push(`"${name}" is not an input of ${context.file} (inputs: ${form.map((i) => i.name).join(', ') || 'none'})`);
  }
  for (const input of form) {
    const value = values[input.name];
    if (value === undefined || value === '') {
      if (input.required && input.default === undefined) problems.push(`"${input.name}" is required`);
      continue;
    }
    const text = String(value);
    switch (input.type) {
      case 'boolean':
        if (text !== 'true' && text !== 'false') problems.push(`"${input.name}" must be true or false, got ${JSON.stringify(value)}`);
        break;
      case 'number':
        if (text.trim() === '' || !Number.isFinite(Number(text))) problems.push(`"${input.name}" must be a number, got ${JSON.stringify(value)}`);
        break;
      case 'choice':
        if (!(input.options ?? []).includes(text)) problems.push(`"${input.name}" must be one of ${(input.options ?? []).join(', ')}, got ${JSON.stringify(value)}`);
        break;
      case 'environment':
        if (context.environments && !context.environments.includes(text)) problems.push(`"${input.name}" must be an environment of the repository (${context.environments.join(', ') || 'none'}), got ${JSON.stringify(value)}`);
        break;
      case 'string':
        break;
    }
    out[input.name] = text;
  }
  if (Object.keys(out).length > 25) problems.push(`GitHub takes at most 25 inputs, got ${Object.keys(out).length}`);
  if (problems.length > 0) throw new SdlcError('InvalidInputs', `Invalid inputs for ${context.file}: ${problems.join('; ')}.`, { usage: true });
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
