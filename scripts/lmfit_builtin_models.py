# Reference values for Tests/Fitting/BuiltInModelTests.cs and FitCliTests (not run by the tests).
# Run with Debian python3-lmfit (lmfit 1.1.0): /usr/bin/python3 scripts/lmfit_builtin_models.py
import numpy as np
from lmfit import models as M
from scipy.special import erf
i = np.arange(101); x = i*0.08
w = 0.05*np.sin(17.3*i)  # deterministic "noise", the same in C#: 0.05*Math.Sin(17.3*i)
g = 12/(0.7*np.sqrt(2*np.pi))*np.exp(-(x-3.2)**2/(2*0.7**2)); l = 12/np.pi*0.7/((x-3.2)**2+0.7**2)
xp = 0.5 + i*0.1
cases = [
 ('gaussian', x, g, M.GaussianModel()),
 ('lorentzian', x, l, M.LorentzianModel()),
 ('pseudovoigt', x, 0.6*g+0.4*l, M.PseudoVoigtModel()),
 ('exponential', x, 5*np.exp(-x/2.5), M.ExponentialModel()),
 ('logistic', x, 4*(1-1/(1+np.exp((x-4.1)/0.6))), M.StepModel(form='logistic')),
 ('step', x, 4*(1+erf((x-4.1)/0.6))/2, M.StepModel(form='erf')),
 ('powerlaw', xp, 2.5*xp**1.7, M.PowerLawModel()),
 ('polynomial3', x, 1-2*x+0.5*x**2-0.04*x**3, M.PolynomialModel(3)),
 ('linear', x, 0.8*x-1.5, M.LinearModel()),
 ('constant', x, 2.25+0*x, M.ConstantModel()),
]
for name, xx, y0, m in cases:
    y = y0 + w
    p = m.guess(y, x=xx)
    r = m.fit(y, p, x=xx, fit_kws={'xtol':1e-15,'ftol':1e-15,'gtol':1e-15})
    names = [k for k, v in p.items() if not v.expr]
    gs = ', '.join('%r' % p[k].value for k in names); fs = ', '.join('%.10g' % r.params[k].value for k in names)
    print(f'        ["{name}"] = (new double[] {{ {gs} }}, new double[] {{ {fs} }}),')

# composite: gaussian + linear (lmfit has no composite guess: background by eye, peak guessed on data minus it)
i = np.arange(101); x = i*0.08
y = 12/(0.7*np.sqrt(2*np.pi))*np.exp(-(x-3.2)**2/(2*0.49)) + 0.3*x + 1.0 + 0.05*np.sin(17.3*i)
gm, lm = M.GaussianModel(prefix='gaussian_'), M.LinearModel(prefix='linear_')
p = lm.make_params(slope=0.3, intercept=1.0); p.update(gm.guess(y - (0.3*x+1.0), x=x))
r = (gm+lm).fit(y, p, x=x, fit_kws={'xtol':1e-15,'ftol':1e-15,'gtol':1e-15})
print(', '.join('Lm%s = %.10g' % (n, r.params[k].value) for n, k in [('A','gaussian_amplitude'),('C','gaussian_center'),('S','gaussian_sigma'),('Slope','linear_slope'),('Intercept','linear_intercept')]))
