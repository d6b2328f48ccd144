"""The pledge portal: an HTTP service and a web form where Member States submit pledges and see
the verdicts while they type (issue 18).

It takes the prepared rule set and stored documents, and gives the same `ammr-check/1` results
as `ammr check`, over HTTP and as server-rendered pages. Modules, from the bottom up:

    config.py     the settings of one server (database URL, limits), and the default data folder
    db.py         the tables (SQLAlchemy 2); nothing is updated or deleted, ever
    migrations/   Alembic: the schema, with the append-only triggers; run at every start
    security.py   password and token hashes (scrypt), CSRF tokens
    store.py      users, pledge versions, cycle documents, the audit log
    checking.py   the rule set, prepared once: checks, pledge checks, the pool of a year
    auth.py       who is asking, and what each role may do
    service.py    each action with its rules of access, shared by the API and the pages
    limits.py     request size and document depth limits
    api.py        /api/v1/ (OpenAPI at /docs)
    pages.py      the web form, pledge histories, the cycle's documents and the pool table;
                  templates/ and static/portal.js (the live verdicts)
    app.py        the application factory
    server.py     `ammr serve`: migrate, load an example, run uvicorn
"""
