// `pnpm openapi:generate`: writes hub/openapi.json from the document a real hub (in-process, SQLite) serves.
import { writeFileSync } from 'node:fs';
import { OPENAPI_DOCUMENT_PATH, readServedOpenApiDocument } from '../src/testing/served-openapi-document.js';

writeFileSync(OPENAPI_DOCUMENT_PATH, await readServedOpenApiDocument());
process.stdout.write(`wrote ${OPENAPI_DOCUMENT_PATH}\n`);
