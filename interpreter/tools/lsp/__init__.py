"""The language server (`ammr lsp`): diagnostics, hover, definitions, references, completion,
formatting and the outline, for any editor that speaks the Language Server Protocol.

It runs the same stages as the commands (parse, check, lint, format; no second parser):

    state.py     the rule set as the editor holds it, checked: a Snapshot every request reads
    index.py     where each name is declared and used, from the syntax trees (works on rules with errors)
    convert.py   positions (UTF-16 columns) and diagnostics in LSP's terms
    hover.py     the law's words at a citation, what a name is at a name
    complete.py  completion: citations from the law text, fields, types, names, keywords
    outline.py   the document symbols: declarations under the article they cite
    server.py    the pygls server: debounced checks on one worker thread, the LSP features
"""
