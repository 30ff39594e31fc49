# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's mail directory: one job, make the same lists (in the list forms' shape) every run.

100 domains, 10,000 users (100 per domain, clear-text passwords, quotas) and 10,000 alias
sources (100 per domain, forwarding to one or two mailboxes of their domain, every tenth also
to an external address). Seeded, so every run and every machine gets the same directory.

Provides (no fixtures): Directory(domains, users_per_domain, aliases_per_domain), loop_sample().
"""

import random
import string

SEED = 4711
ALPHABET = string.ascii_letters + string.digits
GIB = 1024 ** 3


class Directory:
    def __init__(self, domains=100, users_per_domain=100, aliases_per_domain=100, seed=SEED):
        rng = random.Random(seed)
        self.users_per_domain = users_per_domain
        self.domains = ['bench%03d.example' % d for d in range(domains)]
        self.users = []
        self.aliases = []
        for domain in self.domains:
            mailboxes = ['user%03d@%s' % (u, domain) for u in range(users_per_domain)]
            for email in mailboxes:
                self.users.append({'email': email, 'password': _password(rng),
                                   'quota': rng.choice((0, GIB, 2 * GIB, 5 * GIB))})
            for a in range(aliases_per_domain):
                destinations = sorted(set(rng.sample(mailboxes, rng.choice((1, 2)))))
                if a % 10 == 0:
                    destinations.append('ext%03d@elsewhere.example' % a)
                self.aliases.append({'source': 'alias%03d@%s' % (a, domain), 'destinations': destinations})

    def changed_one_percent(self):
        """The same directory with 1% of users and aliases changed: (domains, users, aliases).

        Of every hundredth user, every other one gets a new password, the rest a new quota;
        every hundredth alias gets a different destination.
        """
        rng = random.Random(SEED + 1)
        users = [dict(user) for user in self.users]
        for index in range(0, len(users), 100):
            if (index // 100) % 2:
                users[index]['password'] = _password(rng)
            else:
                users[index]['quota'] = users[index]['quota'] + GIB
        aliases = [dict(alias) for alias in self.aliases]
        for index in range(0, len(aliases), 100):
            domain = aliases[index]['source'].split('@')[1]
            others = ['user%03d@%s' % (u, domain) for u in range(self.users_per_domain)]
            others = [email for email in others if email not in aliases[index]['destinations']]
            aliases[index]['destinations'] = [rng.choice(others)]
        return list(self.domains), users, aliases

    def loop_sample(self, count=200, domain='loop.bench.example'):
        """`count` new users of one more domain, for the single form in a loop."""
        rng = random.Random(SEED + 2)
        return domain, [{'email': 'loop%03d@%s' % (n, domain), 'password': _password(rng), 'quota': GIB}
                        for n in range(count)]


def _password(rng):
    return ''.join(rng.choice(ALPHABET) for dummy in range(16))
