// Stripe: secret and restricted keys (live keys move money; test keys only reach the test mode).
import { ROTATE, matchGroup, type SecretRule } from './rule.js';

export const stripeRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-STRIPE-KEY',
    title: 'Stripe secret key',
    severity: 'CRITICAL',
    remediation: `${ROTATE} Roll the key in the Stripe dashboard.`,
    keywords: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'],
    find: (text) =>
      matchGroup(text, /(?<![A-Za-z0-9_])((?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,99})(?![A-Za-z0-9_])/g).map((m) =>
        m.secret.includes('_test_') ? { ...m, severity: 'MEDIUM' as const, detail: 'test mode' } : m,
      ),
  },
];
