"""phase2design: exact design and analysis of single-arm phase II trials.

Conventions (Simon 1989): a single-stage design ``r/n`` declares the drug
promising (rejects H0) if more than ``r`` of ``n`` patients respond; a
two-stage design ``r1/n1, r/n`` stops after stage 1 if ``X1 <= r1`` and
rejects H0 at the end if ``X1 + X2 > r``.

The public names are loaded on first use, so ``import phase2design`` does not
pull in numba, scipy or pandas until they are needed.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "simon_design": "families.simon",
    "simon_feasible_designs": "families.simon",
    "efficacy_design": "families.efficacy",
    "MultiStageResult": "results",
    "MultiStageDesign": "results",
    "single_stage_design": "families.single",
    "cutoff_table": "families.single",
    "two_stage_design": "engine.oc",
    "single_stage_design_oc": "engine.oc",
    "two_stage_oc": "engine.oc",
    "single_stage_oc": "engine.oc",
    "NoFeasibleDesignError": "engine.oc",
    "SimonResult": "results",
    "SingleStageResult": "results",
    "SingleStageDesign": "results",
    "TwoStageDesign": "results",
    "CutoffTable": "results",
    "OperatingCharacteristics": "results",
    "evaluate": "evaluation",
    "Evaluation": "evaluation",
    "proportion_ci": "intervals",
    "binom_pvalue": "intervals",
    "posterior_prob_at_least": "intervals",
    "ConfidenceInterval": "intervals",
    "analyze_two_stage": "twostage_inference",
    "analyze_design": "analysis",
    "DesignAnalysis": "analysis",
    "analyze_curtailed": "analysis",
    "curtail": "engine.curtail",
    "curtailed_oc": "engine.curtail",
    "CurtailedDesign": "engine.curtail",
    "CurtailedOC": "engine.curtail",
    "Design": "engine.design",
    "design_oc": "engine.oc",
    "DesignOC": "engine.oc",
    "SampleSpace": "engine.samplespace",
    "get_family": "families.base",
    "family_names": "families.base",
    "stagewise_inference": "twostage_inference",
    "two_stage_umvue": "twostage_inference",
    "TwoStageAnalysis": "twostage_inference",
    "StagewiseInference": "twostage_inference",
    "plan_followup": "planning",
    "predictive_oc": "planning",
    "assurance": "planning",
    "pilot_posterior": "planning",
    "FollowupPlan": "planning",
    "PredictiveOC": "planning",
    "run_grid": "grid.runner",
    "grid_scenarios": "grid.runner",
    "GridResult": "grid.runner",
    "GridInterrupted": "grid.runner",
    "plot_evaluation": "plots",
    "evaluation_text_plot": "plots",
    "oc_curve_data": "plots",
    "plot_oc": "plots",
    "default_oc_grid": "plots",
    "oc_comparison_designs": "plots",
    "design_space_data": "plots",
    "plot_design_space": "plots",
    "make_report": "report",
    "compare_designs": "comparison",
    "DesignComparison": "comparison",
    "read_design_file": "designfile",
    "DesignFile": "designfile",
    "stage1_redesign": "overrun",
    "Stage1Redesign": "overrun",
    "protocol_paragraph": "report",
    "posterior_probability": "bayes",
    "predictive_probability": "bayes",
    "PredictiveProbability": "bayes",
    "monitoring_rule": "bayes",
    "MonitoringRule": "bayes",
    "bayes_design": "bayes",
    "BayesianDesign": "bayes",
    "analyze_rule": "bayes",
    "RuleAnalysis": "bayes",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'phase2design' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
