# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mail rules (addresses, IDN domains, quotas, the forwarding graph), pure and without I/O; may import only errors."""
