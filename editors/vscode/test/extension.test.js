'use strict';
// The client's logic under plain Node.js (node --test): 'vscode' and the language client are
// replaced by recording fakes, so no VS Code is needed. Run by tests/test_editors.py.

const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { after, test } = require('node:test');

const { expand, findCommand } = require('../src/command');

class FakeClient {
  constructor(id, name, server, options) {
    Object.assign(this, { id, name, server, options, started: 0, stopped: 0 });
    FakeClient.made.push(this);
  }

  async start() {
    this.started += 1;
    if (FakeClient.failure) {
      throw new Error(FakeClient.failure);
    }
  }

  async stop() {
    this.stopped += 1;
  }
}

function fakeVscode(settings, folder) {
  const seen = { errors: [], output: [], commands: {}, onConfiguration: [] };
  const disposable = { dispose() {} };
  const vscode = {
    window: {
      createOutputChannel: () => ({ appendLine: (line) => seen.output.push(line), show() {}, dispose() {} }),
      showErrorMessage: async (message) => { seen.errors.push(message); return undefined; },
    },
    workspace: {
      workspaceFolders: [{ uri: { fsPath: folder } }],
      getConfiguration: () => ({ get: (key, fallback) => (key in settings ? settings[key] : fallback) }),
      onDidChangeConfiguration: (listener) => { seen.onConfiguration.push(listener); return disposable; },
    },
    commands: {
      registerCommand: (name, run) => { seen.commands[name] = run; return disposable; },
      executeCommand: async () => undefined,
    },
  };
  return { vscode, seen };
}

// A fresh extension module that sees the fakes instead of 'vscode' and the language client.
async function activate(settings, folder) {
  const { vscode, seen } = fakeVscode(settings, folder);
  FakeClient.made = [];
  const load = Module._load;
  Module._load = function fake(request, ...rest) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return { LanguageClient: FakeClient };
    return load.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve('../src/extension')];
    const extension = require('../src/extension');
    await extension.activate({ subscriptions: [] });
    return { extension, seen };
  } finally {
    Module._load = load;
  }
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ammr-vscode-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function folderWithProgram(name = 'ammr', mode = 0o755) {
  const folder = fs.mkdtempSync(path.join(scratch, 'folder-'));
  fs.mkdirSync(path.join(folder, 'bin'));
  const program = path.join(folder, 'bin', name);
  fs.writeFileSync(program, '#!/bin/sh\n', { mode });
  return { folder, program };
}

test('a missing program is explained, and no client is started', async () => {
  FakeClient.failure = null;
  const { folder } = folderWithProgram();
  const { seen } = await activate({ command: 'ammr-not-installed-here' }, folder);
  assert.strictEqual(FakeClient.made.length, 0);
  assert.strictEqual(seen.errors.length, 1);
  assert.match(seen.errors[0], /'ammr-not-installed-here' was not found/);
  assert.match(seen.errors[0], /'ammr\.command'/);
  assert.match(seen.output.join('\n'), /was not found/);
});

test('the program of the settings is started with its arguments, in the workspace folder', async () => {
  FakeClient.failure = null;
  const { folder, program } = folderWithProgram();
  const { seen } = await activate({ command: '${workspaceFolder}/bin/ammr', args: ['lsp', '--verbose'] }, folder);
  assert.strictEqual(FakeClient.made.length, 1);
  const [client] = FakeClient.made;
  assert.deepStrictEqual(client.server, { command: program, args: ['lsp', '--verbose'], options: { cwd: folder } });
  assert.deepStrictEqual(client.options.documentSelector.map((s) => s.language), ['ammr', 'ammr']);
  assert.strictEqual(client.started, 1);
  assert.deepStrictEqual(seen.errors, []);
  assert.ok(seen.commands['ammr.restartServer']);
});

test('the defaults run `ammr lsp`, found on PATH', async () => {
  FakeClient.failure = null;
  const { folder, program } = folderWithProgram();
  const saved = process.env.PATH;
  process.env.PATH = path.join(folder, 'bin');
  try {
    await activate({}, folder);
  } finally {
    process.env.PATH = saved;
  }
  assert.deepStrictEqual(FakeClient.made.map((c) => [c.server.command, c.server.args]), [[program, ['lsp']]]);
});

test('changing ammr.args restarts the server; other settings do not', async () => {
  FakeClient.failure = null;
  const { folder, program } = folderWithProgram();
  const { seen } = await activate({ command: program }, folder);
  const [listener] = seen.onConfiguration;
  await listener({ affectsConfiguration: (key) => key === 'editor.fontSize' });
  assert.strictEqual(FakeClient.made.length, 1);
  await listener({ affectsConfiguration: (key) => key === 'ammr.args' });
  assert.strictEqual(FakeClient.made.length, 2);
  assert.strictEqual(FakeClient.made[0].stopped, 1);
  assert.strictEqual(FakeClient.made[1].started, 1);
});

test('a program that does not serve is explained', async () => {
  FakeClient.failure = 'Connection closed';
  const { folder, program } = folderWithProgram();
  const { extension, seen } = await activate({ command: program }, folder);
  FakeClient.failure = null;
  assert.strictEqual(seen.errors.length, 1);
  assert.match(seen.errors[0], /did not start a language server \(Connection closed\)/);
  assert.match(seen.errors[0], /`ammr lsp`/);
  await extension.deactivate();                       // nothing started, nothing to stop
  assert.strictEqual(FakeClient.made[0].stopped, 0);
});

test('findCommand takes only executable files', () => {
  const { folder, program } = folderWithProgram();
  assert.strictEqual(findCommand('bin/ammr', folder), program);
  assert.strictEqual(findCommand('ammr', folder, { PATH: path.join(folder, 'bin') }), program);
  assert.strictEqual(findCommand('ammr', folder, { PATH: '' }), null);
  assert.strictEqual(findCommand('bin', folder, { PATH: folder }), null);           // a directory
  const plain = folderWithProgram('ammr', 0o644);
  assert.strictEqual(findCommand('bin/ammr', plain.folder), null);                  // not executable
});

test('expand replaces ${workspaceFolder} and a leading ~', () => {
  assert.strictEqual(expand('${workspaceFolder}/.venv/bin/ammr', '/w'), '/w/.venv/bin/ammr');
  assert.strictEqual(expand('~/bin/ammr', '/w'), path.join(os.homedir(), 'bin/ammr'));
  assert.strictEqual(expand('ammr', '/w'), 'ammr');
});
