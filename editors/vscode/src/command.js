'use strict';
// Where the language server's program is, found the way spawning it would find it, so that a
// missing program gets a message that says what to do rather than a bare ENOENT.
// Kept apart from extension.js (no 'vscode' here) so that plain Node.js can test it.

const fs = require('fs');
const os = require('os');
const path = require('path');

// `${workspaceFolder}` and a leading `~` are written in settings by hand; spawn knows neither.
function expand(command, folder) {
  let expanded = command.replace(/\$\{workspaceFolder\}/g, folder || '.');
  if (expanded === '~' || expanded.startsWith('~/')) {
    expanded = path.join(os.homedir(), expanded.slice(1));
  }
  return expanded;
}

function isExecutableFile(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// The full path of `command`: a path (relative ones to `folder`, where the server will run) is
// taken as it is; a bare name is searched on PATH, with PATHEXT's endings on Windows.
// Null when there is no such program.
function findCommand(command, folder, env = process.env) {
  const endings = process.platform === 'win32' ? ['', ...(env.PATHEXT || '.EXE;.CMD;.BAT').split(';')] : [''];
  const candidates = command.includes('/') || command.includes(path.sep)
    ? [path.resolve(folder || '.', command)]
    : (env.PATH || '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    const found = endings.map((ending) => candidate + ending).find(isExecutableFile);
    if (found) {
      return found;
    }
  }
  return null;
}

module.exports = { expand, findCommand };
