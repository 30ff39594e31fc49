# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module frame, the only layer that knows AnsibleModule: options, secrets, one run, results; may import every layer."""
