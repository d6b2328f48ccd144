'use strict';
// The AMMR rules extension: highlighting comes from the TextMate grammar (package.json); this
// file starts the language server, `ammr lsp`, over standard input and output, and restarts it
// when its settings change.

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { expand, findCommand } = require('./command');

const NAME = 'AMMR rules';
let output = null;
let client = null;

function workspaceFolder() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
}

// Not awaited by its callers: the message stays until the user answers, and activation must not wait.
async function explain(message, ...actions) {
  output.appendLine(message);
  const choice = await vscode.window.showErrorMessage(`${NAME}: ${message}`, ...actions, 'Show Output');
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'ammr.');
  } else if (choice === 'Show Output') {
    output.show(true);
  }
}

async function start() {
  const settings = vscode.workspace.getConfiguration('ammr');
  const folder = workspaceFolder();
  const command = expand(settings.get('command', 'ammr'), folder);
  const args = settings.get('args', ['lsp']);
  const program = findCommand(command, folder);
  if (program === null) {
    explain(`the language server's program '${command}' was not found. Install the project `
      + "(pip install -e . in the repository) where VS Code finds it on PATH, or set 'ammr.command' "
      + 'to the full path of its ammr (for example .venv/bin/ammr). Highlighting works without it.',
    'Open Settings');
    return;
  }
  output.appendLine(`Starting ${[program, ...args].join(' ')}${folder ? ` in ${folder}` : ''}`);
  const candidate = new LanguageClient('ammr', NAME, { command: program, args, options: { cwd: folder } }, {
    documentSelector: [{ scheme: 'file', language: 'ammr' }, { scheme: 'untitled', language: 'ammr' }],
    outputChannel: output,
  });
  try {
    await candidate.start();
    client = candidate;
  } catch (err) {
    explain(`'${[command, ...args].join(' ')}' did not start a language server (${err.message || err}). `
      + 'The server comes with the `ammr lsp` command: an ammr without it cannot serve.', 'Open Settings');
  }
}

async function stop() {
  const running = client;
  client = null;
  if (running) {
    await running.stop();
  }
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  output = vscode.window.createOutputChannel(NAME);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('ammr.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('ammr.command') || event.affectsConfiguration('ammr.args')) {
        return restart();
      }
      return undefined;
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
