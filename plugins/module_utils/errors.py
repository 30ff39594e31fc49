# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors whose message is meant for the user as it is."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class InputError(ValueError):
    """A value the user gave is not acceptable; nothing has been written."""


class PlanError(Exception):
    """The wanted state cannot be reached (missing domain, loop, data still attached)."""
