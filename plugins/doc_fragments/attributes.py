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
  action_group:
    description: Use C(group/ispmail.mailserver.all) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - ispmail.mailserver.all
'''

    # ispmail_info reads only.
    INFO_MODULE = r'''
attributes:
  check_mode:
    description: The module only reads, in check mode too.
    support: full
  diff_mode:
    description: Nothing changes, so there is no diff.
    support: none
  action_group:
    description: Use C(group/ispmail.mailserver.all) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - ispmail.mailserver.all
'''
