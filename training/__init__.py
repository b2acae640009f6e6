"""Training layer: rankers, baselines, metrics, evaluation against the ground truth, MLflow."""
