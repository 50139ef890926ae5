// n8n-core writes an instance config (with an encryption key) into $N8N_USER_FOLDER/.n8n;
// keep it in a throw-away folder instead of the user's home.
const fs = require('fs');
const os = require('os');
const path = require('path');

process.env.N8N_USER_FOLDER ??= fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-test-'));
