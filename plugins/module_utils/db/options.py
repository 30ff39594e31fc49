# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every module shares, documented in the doc fragment ispmail.mailserver.mariadb."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def connection_argument_spec():
    return dict(
        engine=dict(type='str', choices=['mariadb', 'postgresql'], default='mariadb'),
        login_host=dict(type='str'),
        login_port=dict(type='int'),
        login_user=dict(type='str'),
        login_password=dict(type='str', no_log=True),
        login_unix_socket=dict(type='path'),
        login_db=dict(type='str', default='mailserver'),
        config_file=dict(type='path'),
        connect_timeout=dict(type='int', default=30),
        ca_cert=dict(type='path', aliases=['ssl_ca']),
        client_cert=dict(type='path', aliases=['ssl_cert']),
        client_key=dict(type='path', aliases=['ssl_key']),
        check_hostname=dict(type='bool'),
    )
