"""The report: verdicts in, words, data and documents for people out.

Takes a `Result` and the rule set it came from; gives the `ammr-check/1` data (view.py), rendered
as text, Markdown, HTML or JSON (render.py), and the reports beside it. In pipeline order:

    view.py            Result -> the ammr-check/1 document as plain data
    reason.py          why a verdict: the deciding condition in words
    figures.py         values shown as a lawyer writes them (persons, EUR, shares, dates)
    remedy.py          the search for what would have to change (engine-side, exact)
    remedy_text.py     those changes in words
    dependence.py      which verdicts depend on a reading (`--readings all`)
    render.py          the data laid out by the templates/ (text, md, html) or as JSON
    audit.py           the audit record: tool, rule-set and document hashes, data, parameters, time
    pool.py            the Annual Solidarity Pool report, figures named by rules/pool-report.rules
    coverage.py        the coverage map: each paragraph encoded, assessed or not checkable
    interpretations.py the register of interpretation notes
    links.py           links to the reference docs and to EUR-Lex
"""
