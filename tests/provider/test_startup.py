"""What the plugin loads when the engine starts it (once or twice per engine run): no vendor SDK and not the
whole desired-state document's models, which only the program and the commands need."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support import ROOT, VENV_BIN

PROBE = (
    "import json, sys; import backstop.plugin.provider.__main__; "
    "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('backstop.plugin.model', 'stripe', "
    "'httpx', 'pulumiverse_vercel')))))"
)


def test_the_plugin_starts_without_the_documents_models_or_a_vendor_sdk() -> None:
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(done.stdout)
    # The package and two small modules: the dispatcher's secret-bearing rule and the wire names.
    light = [
        "backstop.plugin.model",
        "backstop.plugin.model.secret_bearing",
        "backstop.plugin.model.wire_names",
    ]
    assert loaded == light, loaded


def test_the_model_package_still_names_its_document_api() -> None:
    import backstop.plugin.model as model
    from backstop.plugin.model import DesiredState, DesiredStateError, load_document, paths
    from backstop.plugin.model.document import DesiredState as Declared

    assert DesiredState is Declared
    assert issubclass(DesiredStateError, Exception)
    assert callable(load_document)
    assert paths.__name__ == "backstop.plugin.model.paths"
    with pytest.raises(AttributeError, match="no attribute 'Desired'"):
        _ = model.Desired
