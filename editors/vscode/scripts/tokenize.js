#!/usr/bin/env node
// Tokenises rule files with the extension's TextMate grammar, through the same engine as VS Code
// (vscode-textmate on vscode-oniguruma), and prints JSON for tests/editors/ to compare with the
// Pygments lexer.
//
//   node scripts/tokenize.js FILE...   {"files": [{"path": FILE, "tokens": [[start, end, [scope, ...]], ...]}]}
//                                      start and end are offsets into the file; scopes run outermost first
//   node scripts/tokenize.js --check   {"scopeName": ..., "regexes": N, "errors": [{"where", "regex", "error"}]}
//                                      compiles every regex of the grammar under Oniguruma
'use strict';

const fs = require('fs');
const path = require('path');
const oniguruma = require('vscode-oniguruma');
const vsctm = require('vscode-textmate');

const GRAMMAR = path.join(__dirname, '..', 'syntaxes', 'ammr.tmLanguage.json');

async function loadOniguruma() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return {
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  };
}

// Every regex of the grammar with the JSON path it sits at, so an error names its place.
function regexesOf(node, where, found) {
  if (Array.isArray(node)) {
    node.forEach((child, i) => regexesOf(child, `${where}[${i}]`, found));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') {
        found.push({ where: `${where}.${key}`, regex: value });
      } else {
        regexesOf(value, `${where}.${key}`, found);
      }
    }
  }
  return found;
}

function check(raw) {
  const regexes = regexesOf(raw, '$', []);
  const errors = [];
  for (const { where, regex } of regexes) {
    try {
      new oniguruma.OnigScanner([regex]).dispose();
    } catch (err) {
      errors.push({ where, regex, error: String(err.message || err) });
    }
  }
  return { scopeName: raw.scopeName, regexes: regexes.length, errors };
}

// JavaScript counts UTF-16 code units; Python, which compares the tokens, counts code points.
function codePoints(line, index) {
  return Array.from(line.slice(0, index)).length;
}

function tokenize(grammar, text) {
  const tokens = [];
  let state = vsctm.INITIAL;
  let offset = 0;
  for (const line of text.split('\n')) {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const end = Math.min(token.endIndex, line.length);   // the last token may count the newline
      if (end > token.startIndex) {
        tokens.push([offset + codePoints(line, token.startIndex), offset + codePoints(line, end), token.scopes]);
      }
    }
    state = result.ruleStack;
    offset += Array.from(line).length + 1;
  }
  return tokens;
}

async function main(args) {
  const onigLib = loadOniguruma();
  const rawText = fs.readFileSync(GRAMMAR, 'utf8');
  if (args[0] === '--check') {
    await onigLib;
    return check(JSON.parse(rawText));
  }
  const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async (scopeName) => (scopeName === 'source.ammr'
      ? vsctm.parseRawGrammar(rawText, GRAMMAR) : null),
  });
  const grammar = await registry.loadGrammar('source.ammr');
  const files = args.map((file) => ({ path: file, tokens: tokenize(grammar, fs.readFileSync(file, 'utf8')) }));
  return { files };
}

main(process.argv.slice(2)).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err) => { process.stderr.write(`tokenize.js: ${err.stack || err}\n`); process.exit(1); },
);
