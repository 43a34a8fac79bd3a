"""The eligibility engine: pure Python, standard library only.

The same files run in CPython (CLI, tests) and in Pyodide (the browser checker), so they
use only syntax and modules that Python 3.11 and 3.14 both accept.

    from generator.engine import evaluate
    answer = evaluate(bundle, {"facts": {"behandelindex": 95}}, insurers=["vgz"], year=2024)
"""
from .evaluate import ENGINE_VERSION, evaluate, select_policies
from .logic import MET, NOT_MET, UNKNOWN
from .profile import ProfileError, check_profile

__all__ = ["ENGINE_VERSION", "MET", "NOT_MET", "UNKNOWN", "ProfileError", "check_profile", "evaluate",
           "select_policies"]
