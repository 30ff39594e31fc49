# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The frame of every module run: check the options, connect, run one transaction, report.

A module calls one of three: run_entity(module, Entity()) for one table's plan, run_task(module,
Task()) for the others (entities/base.py has both contracts), and run_host(module, Files()) for
the one module that changes files on the host and no database.

Any error the user can act on ends the run with its message and no traceback, and the
transaction is rolled back, so nothing is half-written.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.ispmail.mailserver.plugins.module_utils.db.engines import engine_for
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.schema import load_schema
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.session import Session
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.transaction import in_transaction
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import LibraryMissing, UserError
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.entries import echoed_arguments, gather_items
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.secrets import hide_list_secrets, hide_option


class ModuleRun(object):
    """One module run against the mail database; `execute` ends the module process."""

    def __init__(self, module, params=None, write=True, invocation=None, rehearse=False):
        self.module = module
        self.params = module.params if params is None else params
        self.write = write
        self.rehearse = rehearse  # check mode by transaction (db/session.py)
        # When given, replaces the arguments Ansible echoes with the result.
        self.invocation = invocation
        self.session = None

    def execute(self, work, finish, check=None):
        """Run check() before connecting; work(session) in the transaction (again from the start
        after a retry); finish(outcome) makes the result from its return value once the
        transaction committed. Ends the module process with the result or a clean failure.
        """
        failure = None
        try:
            if check is not None:
                check()
            result = finish(self._transaction(work))
        except LibraryMissing as exc:
            failure = dict(msg=missing_required_lib(exc.library, reason=exc.reason), exception=exc.traceback)
        except UserError as exc:
            failure = dict(msg=str(exc))
        except (OSError, IOError) as exc:
            # After the commit only: mail directories and other files on the host.
            failure = dict(msg='the database was changed, but changing the files on the host failed: %s' % exc)
        finally:
            if self.session is not None:
                self.session.close()
        extra = {'queries': self.session.queries if self.session is not None else [],
                 'retries': self.session.retries if self.session is not None else 0}
        if self.invocation:
            extra['invocation'] = self.invocation
        if failure is not None:
            # Outside the except blocks, so that Ansible adds no traceback: these are messages for the user.
            self.module.fail_json(**dict(failure, **extra))
        result.update(extra)
        self.module.exit_json(**result)

    def _transaction(self, work):
        engine = engine_for(self.params)
        engine.require_driver()
        self.session = Session(engine, self.params, self.module.check_mode, self.rehearse)
        return in_transaction(self.session, work, self.write)


def run_entity(module, entity):
    """Run a module that writes one table through its Entity (see entities/base.py)."""
    params = hide_list_secrets(module, entity.list_key, entity.secret_keys)
    options = dict((key, params[key]) for key in entity.option_keys)
    options['is_list'] = params.get(entity.list_key) is not None
    run = ModuleRun(module, params, invocation=echoed_arguments(module.params, entity.list_key))

    def work(session):
        schema = load_schema(session) if entity.needs_schema else None
        items = gather_items(params, entity.list_key, entity.key_name, entity.item_keys)
        items = entity.normalize(items, schema)
        plan = entity.plan(entity.load(session, schema, items, options), items, options)
        entity.apply(plan, session)
        return plan, items

    def finish(outcome):
        plan, items = outcome
        result = entity.report(plan, items, options)
        effects = entity.after_commit(plan, items, options, module.check_mode)
        result.update(effects)
        result['changed'] = result['changed'] or any(bool(value) for value in effects.values())
        return result

    run.execute(work, finish, check=lambda: entity.check_options(options))


def run_task(module, task):
    """Run a module through its Task (see entities/base.py): info, dkim, directory."""
    params = dict(module.params)
    if task.hidden_option is not None:
        key = task.hidden_option
        params[key] = hide_option(module, key, task.summary(module.params[key]))

    def work(session):
        return task.work(session, load_schema(session) if task.needs_schema else None, params)

    def finish(outcome):
        return task.finish(outcome, params, module.check_mode, module._diff)

    run = ModuleRun(module, params, write=task.write, rehearse=task.rehearse)
    run.execute(work, finish, check=lambda: task.check_options(params))


def run_host(module, task):
    """Run a module that changes files on the host only (ispmail_files): no database, no transaction."""
    failure = result = None
    try:
        result = task.work(module.params, module.check_mode, module._diff)
    except UserError as exc:
        failure = str(exc)
    if failure is not None:
        # Outside the except block, so that Ansible adds no traceback.
        module.fail_json(msg=failure)
    module.exit_json(**result)
