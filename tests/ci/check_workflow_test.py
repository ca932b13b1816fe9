#!/usr/bin/env python3
"""ci/check-workflow must catch what makes the CI recipe dishonest (each mutation of the real
workflow or action below is a problem it names), and the action's run step must pass the flags
the gate relies on: it runs with a stand-in `forkcheck` that records its arguments.

    tests/ci/check_workflow_test.py     (python3 -m unittest; ctest ci.check_workflow_catches)
"""
import copy
import importlib.machinery
import importlib.util
import os
import pathlib
import subprocess
import tempfile
import unittest

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
loader = importlib.machinery.SourceFileLoader("check_workflow", str(ROOT / "ci" / "check-workflow"))
spec = importlib.util.spec_from_loader("check_workflow", loader)
check = importlib.util.module_from_spec(spec)
loader.exec_module(check)

WORKFLOW = yaml.safe_load((ROOT / "ci" / "github-workflow.yml").read_text())
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def forkcheck_step(workflow, job):
    return check.forkcheck_steps(workflow["jobs"][job])[0]


def action_step(action, step_id):
    return next(s for s in action["runs"]["steps"] if s.get("id") == step_id)


class TheRealFilesPass(unittest.TestCase):
    def test_workflow_and_action(self):
        self.assertEqual(check.check_workflow(WORKFLOW), [])
        self.assertEqual(check.check_action(ACTION), [])


class WorkflowMutationsAreCaught(unittest.TestCase):
    def problems(self, mutate):
        w = copy.deepcopy(WORKFLOW)
        mutate(w)
        return "\n".join(check.check_workflow(w))

    def test_a_merge_under_always(self):
        def m(w):
            w["jobs"]["merge"]["if"] = "always()"
        self.assertIn("must not run under always()", self.problems(m))

    def test_a_merge_that_does_not_run_when_a_shard_failed(self):
        self.assertIn("!cancelled()", self.problems(lambda w: w["jobs"]["merge"].pop("if")))

    def test_a_merge_without_the_shard_count_or_with_another(self):
        self.assertIn("shards must be 3", self.problems(lambda w: forkcheck_step(w, "merge")["with"].pop("shards")))
        self.assertIn("shards must be 3", self.problems(lambda w: forkcheck_step(w, "merge")["with"].update(shards=2)))

    def test_a_matrix_that_does_not_match_the_shard_flag(self):
        def m(w):
            w["jobs"]["suite"]["strategy"]["matrix"]["shard"] = [1, 2]
        text = self.problems(m)
        self.assertIn("shard: ${{ matrix.shard }}/2", text)
        self.assertIn("shards must be 2", text)
        self.assertIn("needs shard: ${{ matrix.shard }}/3 (the matrix has 3 shards)", self.problems(
            lambda w: forkcheck_step(w, "suite")["with"].update(shard="${{ matrix.shard }}/4")))

    def test_a_branch_pin_two_pins_or_no_pin(self):
        def branch(w):
            for job in ("forkcheck", "suite", "merge"):
                forkcheck_step(w, job)["uses"] = "OWNER/forkcheck@main"
        self.assertIn("one tag or full commit SHA", self.problems(branch))
        self.assertIn("one tag or full commit SHA", self.problems(
            lambda w: forkcheck_step(w, "merge").update(uses="OWNER/forkcheck@" + "a" * 40)))
        self.assertIn("not pinned", self.problems(lambda w: w["jobs"]["suite"]["steps"][0].update(uses="actions/checkout")))

    def test_continue_on_error_or_an_always_anywhere(self):
        self.assertIn("continue-on-error", self.problems(lambda w: w["jobs"]["suite"].update({"continue-on-error": True})))
        self.assertIn("always()", self.problems(lambda w: w["jobs"]["suite"]["steps"][1].update({"if": "always()"})))

    def test_a_suite_file_that_is_not_in_the_repository(self):
        self.assertIn("is not in the repository",
                      self.problems(lambda w: forkcheck_step(w, "suite")["with"].update(suite="ci/nothing.yaml")))

    def test_fail_fast(self):
        self.assertIn("fail-fast", self.problems(lambda w: w["jobs"]["suite"]["strategy"].pop("fail-fast")))

    def test_bad_bash(self):
        self.assertIn("not valid bash", self.problems(lambda w: w["jobs"]["suite"]["steps"][1].update(run="if then fi (")))


class ActionMutationsAreCaught(unittest.TestCase):
    def problems(self, mutate):
        a = copy.deepcopy(ACTION)
        mutate(a)
        return "\n".join(check.check_action(a))

    def test_no_cache_or_a_build_on_every_run(self):
        def no_cache(a):
            a["runs"]["steps"] = [s for s in a["runs"]["steps"] if not str(s.get("uses", "")).startswith("actions/cache@")]
        self.assertIn("must be cached", self.problems(no_cache))

        def always_build(a):
            next(s for s in a["runs"]["steps"] if "cpack" in str(s.get("run", ""))).pop("if")
        self.assertIn("only on a cache miss", self.problems(always_build))

    def test_a_merge_without_the_shard_count(self):
        def m(a):
            step = action_step(a, "run")
            step["run"] = step["run"].replace('--shards "$SHARDS"', "")
        self.assertIn("--shards", self.problems(m))

    def test_no_failing_last_step_or_a_green_escape(self):
        self.assertIn("last step", self.problems(lambda a: a["runs"]["steps"].pop()))
        self.assertIn("always()", self.problems(lambda a: a["runs"]["steps"][-2].update({"if": "always()"})))
        self.assertIn("continue-on-error", self.problems(lambda a: action_step(a, "run").update({"continue-on-error": True})))

    def test_bad_bash_and_a_missing_shell(self):
        self.assertIn("not valid bash", self.problems(lambda a: action_step(a, "run").update(run="case x in")))
        self.assertIn("needs a shell", self.problems(lambda a: action_step(a, "run").pop("shell")))


class TheActionsRunStep(unittest.TestCase):
    """The run step as GitHub runs it (bash, the step's env with the inputs), a stand-in forkcheck."""

    def run_step(self, step_id, env, forkcheck_exit=0, before=""):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            (tmp / "bin").mkdir()
            (tmp / "bin" / "forkcheck").write_text(
                f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp}/args"\nexit {forkcheck_exit}\n')
            (tmp / "bin" / "forkcheck").chmod(0o755)
            (tmp / "output").write_text("")
            inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
            inputs.update(env)
            step = action_step(ACTION, step_id) if step_id else ACTION["runs"]["steps"][-1]
            step_env = {k: check.EXPRESSION.sub(lambda m: self.expression(m.group(0), inputs, tmp), str(v))
                        for k, v in (step.get("env") or {}).items()}
            script = before + check.EXPRESSION.sub(lambda m: self.expression(m.group(0), inputs, tmp), step["run"])
            result = subprocess.run(["bash", "-e", "-c", script], text=True, capture_output=True, cwd=tmp,
                                    env={**os.environ, **step_env, "PATH": f"{tmp}/bin:{os.environ['PATH']}",
                                         "GITHUB_OUTPUT": str(tmp / "output")})
            outputs = dict(line.split("=", 1) for line in (tmp / "output").read_text().splitlines())
            args = (tmp / "args").read_text().splitlines() if (tmp / "args").exists() else None
            return result, outputs, args

    @staticmethod
    def expression(text, inputs, tmp):
        name = text[3:-2].strip()
        if name.startswith("inputs."):
            return inputs[name[len("inputs."):]]
        if name == "runner.temp":
            return str(tmp)
        if name == "steps.run.outputs.exit-code":
            return inputs["CODE"]
        raise AssertionError(f"an expression the test does not know: {text}")

    def test_a_shard_passes_its_shard_and_names_its_artifact(self):
        result, out, args = self.run_step("run", {"suite": "s.yaml", "shard": "2/3", "args": "--repeat 2 --rerun-failed 1"}, 1)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(args, ["suite", "s.yaml", "--report", "forkcheck-suite", "--shard", "2/3", "--repeat", "2",
                                "--rerun-failed", "1"])
        self.assertEqual(out, {"artifact": "forkcheck-suite-2", "exit-code": "1"})

    def test_a_merge_without_the_shard_count_or_shards_fails_without_running(self):
        result, out, args = self.run_step("run", {"command": "merge"})
        self.assertEqual((out["exit-code"], args), ("2", None))
        self.assertIn("'shards' (the shard count N) is required", result.stdout)
        result, out, args = self.run_step("run", {"command": "merge", "shards": "3"})
        self.assertEqual((out["exit-code"], args), ("2", None))
        self.assertIn("no shard uploaded its report", result.stdout)

    def test_a_merge_passes_the_shard_count_and_every_shard(self):
        shards_downloaded = 'mkdir -p "$SHARD_REPORTS/forkcheck-suite-1" "$SHARD_REPORTS/forkcheck-suite-2"\n'
        result, out, args = self.run_step("run", {"command": "merge", "shards": "2"}, before=shards_downloaded)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(args[:2], ["suite", "merge"])
        self.assertTrue(args[2].endswith("/forkcheck-shards/forkcheck-suite-1/"), args)
        self.assertTrue(args[3].endswith("/forkcheck-shards/forkcheck-suite-2/"), args)
        self.assertEqual(args[4:], ["--shards", "2", "--report", "forkcheck-suite"])
        self.assertEqual(out, {"artifact": "forkcheck-suite", "exit-code": "0"})

    def test_the_last_step_fails_with_forkchecks_exit_status(self):
        for code in ("0", "1", "2", "3"):
            result, _, _ = self.run_step(None, {"CODE": code})
            self.assertEqual(result.returncode, int(code), result.stdout)


if __name__ == "__main__":
    unittest.main()
