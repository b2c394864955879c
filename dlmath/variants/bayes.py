"""Alternative answers and typical mistakes for 07_bayes."""

ALTERNATIVES = {
    "posterior": [
        '''
def posterior(prior, likelihood):
    joint = [float(p) * float(l) for p, l in zip(prior, likelihood)]
    evidence = sum(joint)
    if evidence == 0:
        raise ValueError("the evidence is 0")
    return np.array([j / evidence for j in joint])
''',
        '''
def posterior(prior, likelihood):
    # log space: log prior + log likelihood, then a stable softmax
    log_joint = np.log(np.asarray(prior, float)) + np.log(np.asarray(likelihood, float))
    if np.all(np.isneginf(log_joint)):
        raise ValueError("evidence sum(prior * likelihood) is 0")
    w = np.exp(log_joint - np.max(log_joint))
    return w / w.sum()
''',
    ],
    "diagnostic_posterior": [
        '''
def diagnostic_posterior(prevalence, sensitivity, false_positive_rate):
    return float(posterior(np.array([prevalence, 1 - prevalence]),
                           np.array([sensitivity, false_positive_rate]))[0])
''',
        '''
def diagnostic_posterior(prevalence, sensitivity, false_positive_rate):
    # counting people in a population of 1,000,000
    n = 1_000_000
    ill = n * prevalence
    healthy = n - ill
    true_alarms = ill * sensitivity
    false_alarms = healthy * false_positive_rate
    return true_alarms / (true_alarms + false_alarms)
''',
    ],
    "sequential_posterior": [
        '''
def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    # all results at once: the likelihood of the whole sequence is a product
    r = np.asarray(results, dtype=bool)
    like_ill = np.prod(np.where(r, sensitivity, 1 - sensitivity))
    like_healthy = np.prod(np.where(r, false_positive_rate, 1 - false_positive_rate))
    num = prevalence * like_ill
    return float(num / (num + (1 - prevalence) * like_healthy))
''',
        '''
def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    p = prevalence
    for r in results:
        if r:
            p = diagnostic_posterior(p, sensitivity, false_positive_rate)
        else:  # a negative result: the same formula with the negative likelihoods
            p = diagnostic_posterior(p, 1 - sensitivity, 1 - false_positive_rate)
    return p
''',
    ],
    "confusion_rates": [
        '''
def confusion_rates(y_true, y_pred):
    tp = fn = fp = tn = 0
    for t, p in zip(y_true, y_pred):
        if t and p:
            tp += 1
        elif t:
            fn += 1
        elif p:
            fp += 1
        else:
            tn += 1
    type1 = fp / (fp + tn) if fp + tn > 0 else float("nan")
    type2 = fn / (fn + tp) if fn + tp > 0 else float("nan")
    return {"type1": type1, "type2": type2}
''',
        '''
def confusion_rates(y_true, y_pred):
    t = np.asarray(y_true) == 1
    p = np.asarray(y_pred) == 1
    # the mean of the predictions over one true class; 0/0 gives nan by itself
    type1 = np.sum(p & ~t) / np.sum(~t)
    type2 = np.sum(~p & t) / np.sum(t)
    return {"type1": float(type1), "type2": float(type2)}
''',
    ],
}

MUTANTS = {
    "posterior": {
        "forgets_to_normalise": '''
def posterior(prior, likelihood):
    joint = np.asarray(prior, float) * np.asarray(likelihood, float)
    if joint.sum() == 0:
        raise ValueError("evidence is 0")
    return joint
''',
        "divides_by_likelihood_sum": '''
def posterior(prior, likelihood):
    prior, likelihood = np.asarray(prior, float), np.asarray(likelihood, float)
    if np.sum(prior * likelihood) == 0:
        raise ValueError("evidence is 0")
    return prior * likelihood / likelihood.sum()
''',
        "normalises_likelihood_only": '''
def posterior(prior, likelihood):
    likelihood = np.asarray(likelihood, float)
    if np.sum(np.asarray(prior) * likelihood) == 0:
        raise ValueError("evidence is 0")
    return likelihood / likelihood.sum()
''',
        "no_evidence_check": '''
def posterior(prior, likelihood):
    joint = np.asarray(prior, float) * np.asarray(likelihood, float)
    return joint / joint.sum()
''',
        "threshold_instead_of_zero": '''
def posterior(prior, likelihood):
    joint = np.asarray(prior, float) * np.asarray(likelihood, float)
    if joint.sum() < 1e-9:
        raise ValueError("evidence is 0")
    return joint / joint.sum()
''',
        "mutates_prior": '''
def posterior(prior, likelihood):
    prior = np.asarray(prior)
    prior *= likelihood
    if prior.sum() == 0:
        raise ValueError("evidence is 0")
    return prior / prior.sum()
''',
    },
    "diagnostic_posterior": {
        "sensitivity_and_false_positive_swapped": '''
def diagnostic_posterior(prevalence, sensitivity, false_positive_rate):
    num = false_positive_rate * prevalence
    return num / (num + sensitivity * (1 - prevalence))
''',
        "forgets_evidence": '''
def diagnostic_posterior(prevalence, sensitivity, false_positive_rate):
    return sensitivity * prevalence
''',
        "returns_the_likelihood": '''
def diagnostic_posterior(prevalence, sensitivity, false_positive_rate):
    return sensitivity
''',
        "false_positive_read_as_specificity": '''
def diagnostic_posterior(prevalence, sensitivity, false_positive_rate):
    num = sensitivity * prevalence
    return num / (num + (1 - false_positive_rate) * (1 - prevalence))
''',
        "evidence_misses_one_minus_prevalence": '''
def diagnostic_posterior(prevalence, sensitivity, false_positive_rate):
    num = sensitivity * prevalence
    return num / (num + false_positive_rate)
''',
        "odds_form_breaks_at_the_edges": '''
def diagnostic_posterior(prevalence, sensitivity, false_positive_rate):
    odds = prevalence / (1 - prevalence) * sensitivity / false_positive_rate
    return odds / (1 + odds)
''',
    },
    "sequential_posterior": {
        "negative_treated_as_positive": '''
def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    p = prevalence
    for r in results:
        p = sensitivity * p / (sensitivity * p + false_positive_rate * (1 - p))
    return p
''',
        "ignores_negative_results": '''
def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    p = prevalence
    for r in results:
        if r:
            p = sensitivity * p / (sensitivity * p + false_positive_rate * (1 - p))
    return p
''',
        "does_not_chain": '''
def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    p = prevalence
    for r in results:
        s, f = (sensitivity, false_positive_rate) if r else (1 - sensitivity, 1 - false_positive_rate)
        p = s * prevalence / (s * prevalence + f * (1 - prevalence))
    return p
''',
        "negative_as_one_minus_posterior": '''
def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    p = prevalence
    for r in results:
        q = sensitivity * p / (sensitivity * p + false_positive_rate * (1 - p))
        p = q if r else 1 - q
    return p
''',
        "negative_keeps_false_positive_rate": '''
def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    p = prevalence
    for r in results:
        s = sensitivity if r else 1 - sensitivity
        p = s * p / (s * p + false_positive_rate * (1 - p))
    return p
''',
        "negative_likelihoods_swapped": '''
def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    p = prevalence
    for r in results:
        s, f = (sensitivity, false_positive_rate) if r else (1 - false_positive_rate, 1 - sensitivity)
        p = s * p / (s * p + f * (1 - p))
    return p
''',
        "empty_results_give_zero": '''
def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    p = 0.0
    prior = prevalence
    for r in results:
        s, f = (sensitivity, false_positive_rate) if r else (1 - sensitivity, 1 - false_positive_rate)
        p = s * prior / (s * prior + f * (1 - prior))
        prior = p
    return p
''',
    },
    "confusion_rates": {
        "type1_and_type2_swapped": '''
def confusion_rates(y_true, y_pred):
    t, p = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    fp, tn = np.sum(~t & p), np.sum(~t & ~p)
    fn, tp = np.sum(t & ~p), np.sum(t & p)
    return {"type1": fn / (fn + tp) if fn + tp else np.nan,
            "type2": fp / (fp + tn) if fp + tn else np.nan}
''',
        "zero_instead_of_nan": '''
def confusion_rates(y_true, y_pred):
    t, p = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    fp, tn = np.sum(~t & p), np.sum(~t & ~p)
    fn, tp = np.sum(t & ~p), np.sum(t & p)
    return {"type1": fp / (fp + tn) if fp + tn else 0.0,
            "type2": fn / (fn + tp) if fn + tp else 0.0}
''',
        "divides_by_all_samples": '''
def confusion_rates(y_true, y_pred):
    t, p = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    n = t.size
    return {"type1": np.sum(~t & p) / n if n else np.nan,
            "type2": np.sum(t & ~p) / n if n else np.nan}
''',
        "divides_by_predicted_class": '''
def confusion_rates(y_true, y_pred):
    t, p = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    fp, tp = np.sum(~t & p), np.sum(t & p)
    fn, tn = np.sum(t & ~p), np.sum(~t & ~p)
    return {"type1": fp / (fp + tp) if fp + tp else np.nan,
            "type2": fn / (fn + tn) if fn + tn else np.nan}
''',
        "bitwise_not_on_integers": '''
def confusion_rates(y_true, y_pred):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    fp, tn = np.sum(~t & p), np.sum(~t & ~p)
    fn, tp = np.sum(t & ~p), np.sum(t & p)
    return {"type1": fp / (fp + tn) if fp + tn else np.nan,
            "type2": fn / (fn + tp) if fn + tp else np.nan}
''',
        "wrong_keys": '''
def confusion_rates(y_true, y_pred):
    t, p = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    fp, tn = np.sum(~t & p), np.sum(~t & ~p)
    fn, tp = np.sum(t & ~p), np.sum(t & p)
    return {"type_1": fp / (fp + tn) if fp + tn else np.nan,
            "type_2": fn / (fn + tp) if fn + tp else np.nan}
''',
    },
}
