# Installed as /usr/local/bin/ispmail-tool (verify.yml adds the shebang).
# ispmail-tool CALL JSON-KWARGS: runs tools.CALL(**kwargs) of the default scenario's verify
# helpers (molecule/default/tests/tools.py, copied next to it) and prints its JSON result.
import json
import sys

sys.path.insert(0, "/usr/local/lib/ispmail-test")
import tools  # noqa: E402

print(json.dumps(getattr(tools, sys.argv[1])(**json.loads(sys.argv[2]))))
