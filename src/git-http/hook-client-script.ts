/**
 * The program git runs as the `pre-receive` and `post-receive` hook of every push (through the
 * shell wrappers `PushHookServer` installs). It forwards the ref update lines and the location of
 * git's object quarantine to the hub process that started the push, over a Unix socket, with the
 * push's one-time token; prints the hub's messages (git shows them as `remote: …`); and exits 0
 * only when the hub accepted. Any failure to reach the hub refuses the push.
 *
 * Plain CommonJS run by the hub's own Node binary, written out at boot.
 */
export const HOOK_CLIENT_SCRIPT = String.raw`'use strict';
const net = require('net');

const phase = process.argv[2];
const MAX_INPUT_BYTES = 16 * 1024 * 1024;
let accepted = false;

function fail(message) {
  process.stderr.write(message + '\n');
  process.exit(1);
}

const chunks = [];
let size = 0;
process.stdin.on('data', (chunk) => {
  size += chunk.length;
  if (size > MAX_INPUT_BYTES) {
    fail('error: this push updates too many refs at once');
  }
  chunks.push(chunk);
});
process.stdin.on('end', () => {
  const socket = net.createConnection(process.env.KOHAKU_PUSH_HOOK_SOCKET || '');
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('connect', () => {
    const call = {
      token: process.env.KOHAKU_PUSH_HOOK_TOKEN || '',
      phase,
      quarantine: process.env.GIT_QUARANTINE_PATH || null,
      updates: Buffer.concat(chunks).toString('utf8'),
    };
    socket.write(JSON.stringify(call) + '\n');
  });
  socket.on('data', (text) => {
    pending += text;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const reply = JSON.parse(pending.slice(0, end));
      pending = pending.slice(end + 1);
      if (typeof reply.message === 'string') {
        process.stderr.write(reply.message + '\n');
      }
      if (reply.accept === true) {
        accepted = true;
      }
    }
  });
  socket.on('error', (error) => fail('error: the hub could not check this push (' + error.message + ')'));
  socket.on('close', () => process.exit(accepted ? 0 : 1));
});
`;

/** The hook git runs: a shell wrapper, so the hub's Node binary need not be on git's PATH. */
export function hookWrapperScript(phase: 'pre-receive' | 'post-receive'): string {
  return `#!/bin/sh\nexec "$KOHAKU_PUSH_HOOK_NODE" "$KOHAKU_PUSH_HOOK_SCRIPT" ${phase}\n`;
}
