# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Throwaway TLS files for the test MariaDB: one job, a CA, a server and a client certificate.

The server certificate names only ``localhost`` (not 127.0.0.1), so that connecting to
127.0.0.1 shows whether the host name is checked. A second, unrelated CA signs nothing the
server uses: trusting it must fail.

Provides (no fixtures):
  TLSFiles(directory)   create() writes them; ca_cert, server_cert/key, client_cert/key, other_ca_cert
"""

import os
import subprocess


def _openssl(*args):
    proc = subprocess.run(['openssl'] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError('openssl %s failed:\n%s' % (' '.join(args), proc.stdout))


class TLSFiles:
    def __init__(self, directory):
        self.directory = str(directory)
        os.makedirs(self.directory, exist_ok=True)
        path = self.path
        self.ca_cert, self.ca_key = path('ca.pem'), path('ca.key')
        self.other_ca_cert, self.other_ca_key = path('other-ca.pem'), path('other-ca.key')
        self.server_cert, self.server_key = path('server.pem'), path('server.key')
        self.client_cert, self.client_key = path('client.pem'), path('client.key')

    def path(self, name):
        return os.path.join(self.directory, name)

    def create(self):
        key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
        for cert, name in ((self.ca_cert, 'ispt test CA'), (self.other_ca_cert, 'ispt unrelated CA')):
            _openssl('req', '-x509', *key, '-keyout', cert[:-4] + '.key', '-out', cert, '-days', '3',
                     '-subj', '/CN=%s' % name, '-addext', 'basicConstraints=critical,CA:TRUE',
                     '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
        for cert, key_file, name, extension in (
                (self.server_cert, self.server_key, 'localhost', 'subjectAltName=DNS:localhost'),
                (self.client_cert, self.client_key, 'ispt-client', 'extendedKeyUsage=clientAuth')):
            csr = cert[:-4] + '.csr'
            ext = cert[:-4] + '.ext'
            with open(ext, 'w', encoding='utf-8') as handle:
                handle.write(extension + '\n')
            _openssl('req', *key, '-keyout', key_file, '-out', csr, '-subj', '/CN=%s' % name)
            _openssl('x509', '-req', '-in', csr, '-CA', self.ca_cert, '-CAkey', self.ca_key, '-CAcreateserial',
                     '-out', cert, '-days', '3', '-extfile', ext)
        return self
