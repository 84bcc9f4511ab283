/**
 * The one JSON Schema validator of the client: the MCP SDK's own provider over
 * @cfworker/json-schema. The client checks tool results against output schemas with it and
 * argument planning checks arguments against input schemas with it. It was chosen over the
 * SDK's default (Ajv) because it interprets schemas instead of generating code, which keeps the
 * extension's bundle about 110 KB smaller; both follow JSON Schema 2020-12.
 */
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';

/** Reports every problem, not only the first, so a refused call names all of them. */
export const jsonSchemaValidator = new CfWorkerJsonSchemaValidator({ shortcircuit: false });
