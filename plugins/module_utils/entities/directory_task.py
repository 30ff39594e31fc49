# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Task of ispmail_directory: the file's data as the three tables' items, synced in one
transaction (entities/directory_sync.py), then the renamed mailboxes' sessions and mail."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities import directory_sync
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.base import Task
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.directory_entries import sections_of
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.users import finish_renames
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError


class Directory(Task):
    rehearse = True  # each step reads what the earlier ones wrote: check mode runs them all
    hidden_option = 'directory'

    def summary(self, value):
        """What the result echoes in place of the directory: its size, never its entries."""
        if not isinstance(value, dict):
            return '(not shown)'
        return '(%s, not echoed)' % ', '.join('%d %s' % (len(value.get(key) or []), key)
                                              for key in directory_sync.SECTIONS)

    def check_options(self, params):
        if params['src'] is not None:
            raise InputError('src is read on the controller by the action plugin of ispmail_directory; '
                             'call the module by its name (ispmail.mailserver.ispmail_directory)')

    def work(self, session, schema, params):
        defaults = dict((key, params[key]) for key in ('update_password', 'password_scheme', 'password_min_length'))
        sections = directory_sync.normalize(sections_of(params['directory'], defaults), schema)
        return sections, directory_sync.sync(session, schema, sections, params)

    def finish(self, outcome, params, check_mode, diff):
        sections, plan = outcome
        result = directory_sync.report(plan, sections[0])
        result.update(finish_renames(plan.users.renames, params, check_mode))
        result['changed'] = result['changed'] or bool(result['sessions_ended'])
        return result
