"""The engine: documents and reference data in, verdicts out.

Takes a checked `Program` (interpreter.language), the documents of a case and the reference data
the rule set declares; gives one `Outcome` per requirement and instance, each with its verdict,
missing facts and trace. In pipeline order:

    documents.py       document files and mappings -> validated records
    records.py         the records, tables and lists of a document at run time
    fastread.py        the fast path: a well-formed document's values -> records, by closures per type
    models.py          the slow path: pydantic models from the rules, which say what is wrong and where
    amounts.py         figures written as people write them ("EUR 40 million", "6,500,000"): named, never read
    digest.py          SHA-256 of a document's content and of a rule set's files (what a result names)
    reference_data.py  the datasets the rules declare (Eurostat tables), read from the rules folder
    supplied_data.py   reference data a user supplies instead (another vintage, who participates)
    calendar.py        Art 75 time limits over dates, with the calendar of official holidays
    values.py          a value of a rules type read from text (`--set`, `--vary`)
    parameters.py      `--set NAME=VALUE`: the parameters of the rules set for one check
    evaluate.py        the reference evaluator: the definition of what the rules mean
    outcomes.py        Outcome, Step, Missing: what an evaluation gives
    compiled/          the compiled engine: the same verdicts, faster
    readgen.py         generated readers: a well-formed document's values -> records, checks inline, per type
    prepared.py        the prepared checker (RuleSet.checker): one document type, a mapping in, outcomes out
"""
