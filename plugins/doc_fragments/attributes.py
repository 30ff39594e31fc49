# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The attributes of the modules that write (domain, user, alias).
    DOCUMENTATION = r'''
attributes:
  check_mode:
    description: Runs every read and check and skips the writes, predicting the result of a real run.
    support: full
  diff_mode:
    description: Shows before and after of what changes, never a password or hash.
    support: full
'''

    # ispmail_directory: an action plugin reads the file; check mode rehearses and rolls back.
    DIRECTORY_MODULE = r'''
attributes:
  action:
    description: An action plugin reads O(src) on the controller and sends its data to the module.
    support: full
  check_mode:
    description: Runs every step in a transaction that is rolled back, predicting the result of a real run.
    support: full
  diff_mode:
    description: Shows, per table, what is added, changed and removed (by address), never a password or hash.
    support: full
'''

    # ispmail_info reads the database only.
    INFO_MODULE = r'''
attributes:
  check_mode:
    description: The module only reads the database; with O(ispmail.mailserver.ispmail_info#module:dest), check mode
      reports whether the file would change and does not write it.
    support: full
  diff_mode:
    description: Nothing changes, so there is no diff.
    support: none
'''

    # Every module: the action group that module_defaults sets the connection options for.
    ACTION_GROUP = r'''
attributes:
  action_group:
    description: Use C(group/ispmail.mailserver.all) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - ispmail.mailserver.all
'''
