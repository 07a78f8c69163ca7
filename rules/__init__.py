"""The campaign rule language: bundle validation, compiled rules, odds, windows, simulation."""

from .compile import CompiledCampaign, Outcome, compile_bundle
from .diff import Change, diff_bundles
from .hashing import content_hash
from .odds import OddsTable, PersonState, pick
from .problems import BundleError, Problem
from .simulate import SimulationReport, simulate
from .validate import load_bundle, validate_bundle
from .windows import local_time_variables

__all__ = [
    "BundleError",
    "Change",
    "CompiledCampaign",
    "OddsTable",
    "Outcome",
    "PersonState",
    "Problem",
    "SimulationReport",
    "compile_bundle",
    "content_hash",
    "diff_bundles",
    "load_bundle",
    "local_time_variables",
    "pick",
    "simulate",
    "validate_bundle",
]
