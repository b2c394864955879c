"""Alternative answers and typical mistakes for 01_vectors."""

ALTERNATIVES = {
    "l1_norm": [
        '''
def l1_norm(x):
    total = 0.0
    for value in x:
        total += abs(value)
    return total
''',
        '''
def l1_norm(x):
    x = np.asarray(x, dtype=float)
    return float(np.abs(x) @ np.ones_like(x))
''',
    ],
    "l2_norm": [
        '''
import math
def l2_norm(x):
    return math.sqrt(sum(float(v) ** 2 for v in x))
''',
        '''
def l2_norm(x):
    x = np.asarray(x, dtype=float)
    return np.sqrt(x @ x)
''',
    ],
    "distance": [
        '''
def distance(x, y, ord=2):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.shape(x) != np.shape(y) or ord not in (1, 2):
        raise ValueError("bad input")
    d = np.abs(x - y)
    return float(d.sum()) if ord == 1 else float(np.sqrt((d ** 2).sum()))
''',
    ],
    "angle": [
        '''
def angle(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape:
        raise ValueError("shapes differ")
    if not x.any() or not y.any():
        raise ValueError("zero vector")
    # atan2 of the sine and cosine parts: accurate near 0 and pi.
    ux, uy = x / np.sqrt(x @ x), y / np.sqrt(y @ y)
    return float(2 * np.arctan2(np.sqrt(((ux - uy) ** 2).sum()), np.sqrt(((ux + uy) ** 2).sum())))
''',
        '''
import math
def angle(x, y):
    if len(x) != len(y) or np.ndim(x) != np.ndim(y):
        raise ValueError("shapes differ")
    dot = sum(a * b for a, b in zip(x, y))
    nx = math.sqrt(sum(a * a for a in x))
    ny = math.sqrt(sum(b * b for b in y))
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return math.acos(max(-1.0, min(1.0, dot / (nx * ny))))
''',
    ],
}

MUTANTS = {
    "l1_norm": {
        "forgets_absolute_value": '''
def l1_norm(x):
    return float(np.sum(x))
''',
        "calls_np_linalg_norm": '''
def l1_norm(x):
    return float(np.linalg.norm(x, 1))
''',
        "calls_norm_through_alias": '''
from numpy.linalg import norm as _n
def l1_norm(x):
    return float(_n(x, ord=1))
''',
        "returns_l2": '''
def l1_norm(x):
    return float(np.sqrt(np.sum(np.asarray(x, float) ** 2)))
''',
        "mutates_input": '''
def l1_norm(x):
    np.abs(x, out=x)
    return float(np.sum(x))
''',
    },
    "l2_norm": {
        "missing_square_root": '''
def l2_norm(x):
    x = np.asarray(x, float)
    return float(np.sum(x * x))
''',
        "calls_np_linalg_norm": '''
def l2_norm(x):
    return float(np.linalg.norm(x))
''',
        "hard_codes_visible_tests": '''
def l2_norm(x):
    return 5.0 if len(x) == 2 else 3.0
''',
    },
    "distance": {
        "wrong_ord": '''
def distance(x, y, ord=2):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or ord not in (1, 2):
        raise ValueError("bad input")
    return float(np.linalg.norm(x - y, 3 - ord))
''',
        "no_shape_check": '''
def distance(x, y, ord=2):
    if ord not in (1, 2):
        raise ValueError("bad ord")
    return float(np.linalg.norm(np.asarray(x, float) - np.asarray(y, float), ord))
''',
        "sum_of_norms": '''
def distance(x, y, ord=2):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or ord not in (1, 2):
        raise ValueError("bad input")
    return float(np.linalg.norm(x, ord) - np.linalg.norm(y, ord))
''',
    },
    "angle": {
        "arccos_without_clipping": '''
def angle(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape:
        raise ValueError("shapes differ")
    nx, ny = np.sqrt(x @ x), np.sqrt(y @ y)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.arccos(x @ y / (nx * ny)))
''',
        "degrees_not_radians": '''
def angle(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or not x.any() or not y.any():
        raise ValueError("bad input")
    c = np.clip(x @ y / np.sqrt((x @ x) * (y @ y)), -1, 1)
    return float(np.degrees(np.arccos(c)))
''',
        "no_zero_check": '''
def angle(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape:
        raise ValueError("shapes differ")
    c = np.clip(x @ y / np.sqrt((x @ x) * (y @ y)), -1, 1)
    return float(np.arccos(c))
''',
    },
}
