# Optuna's pruning tutorial (10_key_features/003_efficient_optimization_algorithms):
# an SGD classifier on iris, intermediate accuracies reported per step, MedianPruner.
import logging
import sys

import sklearn.datasets
import sklearn.linear_model
import sklearn.model_selection

import knob as optuna


def objective(trial):
    iris = sklearn.datasets.load_iris()
    classes = list(set(iris.target))
    train_x, valid_x, train_y, valid_y = sklearn.model_selection.train_test_split(
        iris.data, iris.target, test_size=0.25, random_state=0
    )

    alpha = trial.suggest_float("alpha", 1e-5, 1e-1, log=True)
    clf = sklearn.linear_model.SGDClassifier(alpha=alpha)

    for step in range(30):
        clf.partial_fit(train_x, train_y, classes=classes)

        # Report intermediate objective value.
        intermediate_value = 1.0 - clf.score(valid_x, valid_y)
        trial.report(intermediate_value, step)

        # Handle pruning based on the intermediate value.
        if trial.should_prune():
            raise optuna.TrialPruned()

    return 1.0 - clf.score(valid_x, valid_y)


# Add stream handler of stdout to show the messages
optuna.logging.get_logger("optuna").addHandler(logging.StreamHandler(sys.stdout))
study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
study.optimize(objective, n_trials=20)

pruned = study.get_trials(deepcopy=False, states=[optuna.trial.TrialState.PRUNED])
complete = study.get_trials(deepcopy=False, states=[optuna.trial.TrialState.COMPLETE])
print("pruned:", len(pruned), "complete:", len(complete), "best:", study.best_value)
assert len(pruned) + len(complete) == 20
assert len(pruned) > 0
