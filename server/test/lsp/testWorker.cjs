// The worker script of worker.test.ts: TypeScript through tsx, then the test jobs served as the server
// bundle serves its roles.
require('tsx/cjs');
const { parentPort } = require('node:worker_threads');
const { serveJobs } = require('../../src/lsp/worker.ts');
const { TEST_JOBS } = require('./testJobs.ts');

serveJobs(parentPort, TEST_JOBS);
