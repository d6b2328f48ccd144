"""`ammr serve`: the pledge portal (interpreter/portal/), and `ammr serve users ...` to manage its
accounts. The portal's modules (FastAPI, SQLAlchemy) are imported inside the commands, so that
`ammr serve --help` answers without loading them."""

from __future__ import annotations

from pathlib import Path

import click

from . import EXIT_USAGE, Exit


def _settings(database: str | None, rules_dir: Path | None = None, docs_url: str | None = None,
              max_body: int | None = None, secure: bool = False):
    # the portal (FastAPI, SQLAlchemy) loads only when a command runs, not for --help
    from interpreter.portal.config import MAX_BODY, Settings, default_database, normalise_url  # see above
    return Settings(database=normalise_url(database or default_database()), rules=str(rules_dir) if rules_dir else None,
                    docs_url=docs_url, max_body=max_body or MAX_BODY, secure_cookies=secure)


_database_option = click.option(
    "--database", metavar="URL", envvar="AMMR_DATABASE",
    help="sqlite:///PATH (default: portal.sqlite3 in the platform's user data folder) or "
         "postgresql://USER@HOST/NAME. Also from AMMR_DATABASE.")


@click.group("serve", invoke_without_command=True)
@_database_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="The port to listen on.")
@click.option("--example", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Load a cycle's documents first (e.g. examples/2026/): its proposal, Council act and pledges.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of rule files (default: the project's rules/).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (one per core checks the most documents a second).")
@click.option("--docs-url", metavar="URL", help="Root of the published reference docs that citations link to.")
@click.option("--max-body", type=click.IntRange(1_000, 100_000_000), metavar="BYTES",
              help="The largest request accepted (default 1 000 000 bytes).")
@click.option("--secure-cookies", is_flag=True, help="Send the session cookie over HTTPS only (behind a TLS proxy).")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
@click.pass_context
def serve(ctx, database, host, port, example, rules_dir, workers, docs_url, max_body, secure_cookies,
          access_log) -> None:
    """Serve the pledge portal: the API under /api/v1/ (OpenAPI at /docs) and the web form.

    \b
    The database is migrated to the latest schema at start-up. Accounts:
      ammr serve users add NAME --role member_state --member-state NL --password
      ammr serve users token NAME        (an API token, shown once)
    """
    if ctx.invoked_subcommand is not None:
        return
    from interpreter import Failed  # as above: not for --help
    from interpreter.portal import server  # as above: not for --help
    from interpreter.portal.checking import PortalChecker  # as above: not for --help
    settings = _settings(database, rules_dir, docs_url, max_body, secure_cookies)
    server.prepare_database(settings)
    if example is not None:
        try:
            added = server.load_example(settings, example, PortalChecker(settings.rules, settings.docs_url))
        except Failed as failure:
            click.echo(failure.render(), err=True)
            raise Exit(EXIT_USAGE) from None
        click.echo(f"example {example}: " + ("; ".join(added) if added else "already loaded"), err=True)
    click.echo(f"database: {_shown(settings.database)}", err=True)
    server.run(settings, host, port, workers, access_log)


def _shown(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy.engine import make_url  # as above: not for --help
    return make_url(url).render_as_string(hide_password=True)


@serve.group()
def users() -> None:
    """Manage the portal's accounts (roles: member_state, coordinator, reader)."""


def _store(database):
    from interpreter.portal import server, store  # as above: not for --help
    from interpreter.portal.db import engine_for, sessions  # as above: not for --help
    settings = _settings(database)
    server.prepare_database(settings)
    return store, sessions(engine_for(settings.database))


def _refused(error) -> None:
    click.echo(f"ammr serve users: {error.message}", err=True)
    raise Exit(EXIT_USAGE)


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["member_state", "coordinator", "reader"]), required=True)
@click.option("--member-state", metavar="XX", help="The Member State of a member_state account, e.g. NL.")
@click.option("--password", is_flag=True, help="Ask for a password (to sign in to the web form).")
@_database_option
def users_add(name, role, member_state, password, database) -> None:
    """Add an account."""
    store, made = _store(database)
    secret = click.prompt("Password", hide_input=True, confirmation_prompt=True) if password else None
    try:
        account = store.add_user(made, name, role, member_state.upper() if member_state else None, secret)
    except store.Refused as error:
        _refused(error)
    store.audit(made, None, "add account", f"{account.name} ({account.role})", 201)
    of = f" of {account.member_state}" if account.member_state else ""
    click.echo(f"added {account.name}: {account.role}{of}")


@users.command("list")
@_database_option
def users_list(database) -> None:
    """List the accounts."""
    store, made = _store(database)
    for account, disabled, tokens in store.users(made):
        click.echo(f"{account.name:24} {account.role:13} {account.member_state or '--':3} "
                   f"{'disabled' if disabled else 'active':9} {tokens} token{'s' if tokens != 1 else ''}")


def _change(database, name: str, action: str, change) -> None:
    """Change an account (`change(store, sessions)`), and log it in the audit log."""
    store, made = _store(database)
    try:
        change(store, made)
    except store.Refused as error:
        _refused(error)
    store.audit(made, None, action, name, 200)
    click.echo(f"{action}: {name}")


@users.command("disable")
@click.argument("name")
@_database_option
def users_disable(name, database) -> None:
    """Disable an account: its password and tokens stop working (nothing it submitted is removed)."""
    _change(database, name, "disable account", lambda store, made: store.disable_user(made, name))


@users.command("password")
@click.argument("name")
@_database_option
def users_password(name, database) -> None:
    """Set an account's password."""
    secret = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _change(database, name, "set password", lambda store, made: store.set_password(made, name, secret))


@users.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for, e.g. the ministry's system.")
@_database_option
def users_token(name, label, database) -> None:
    """Issue an API token for an account. It is printed once and kept only as a hash."""
    store, made = _store(database)
    try:
        token = store.issue_token(made, name, label)
    except store.Refused as error:
        _refused(error)
    store.audit(made, None, "issue token", name, 201)
    click.echo(token)

