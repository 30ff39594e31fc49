# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.doc_fragments.connection import ModuleDocFragment as Connection


class ModuleDocFragment(Connection):
    # The old name of the connection fragment (ispmail.mailserver.connection), kept for the
    # modules and playbooks outside this collection that extend it.
    pass
