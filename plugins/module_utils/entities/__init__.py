# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Domains, users, aliases, the whole directory: normalize, load, pure plan, apply, report; may import mail, crypt, host, errors."""
