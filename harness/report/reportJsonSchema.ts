// The JSON Schema of the report, generated from the one definition of its types (schema.ts), so
// a written report can be checked against exactly what the code declares.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { Ajv, type ErrorObject } from 'ajv';

const here = path.dirname(fileURLToPath(import.meta.url));

export function reportJsonSchema(): object {
  return createGenerator({
    path: path.join(here, 'schema.ts'),
    tsconfig: path.join(here, '../../tsconfig.json'),
    type: 'Report',
    skipTypeCheck: true,
    additionalProperties: false,
  }).createSchema('Report');
}

export function reportValidator(): (value: unknown) => ErrorObject[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(reportJsonSchema());
  return (value) => (validate(value) ? [] : [...(validate.errors ?? [])]);
}
