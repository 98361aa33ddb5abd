// The Kubernetes deployment gate: a ValidatingAdmissionWebhook endpoint. The API server POSTs an
// admission.k8s.io/v1 AdmissionReview; the answer is the same kind with `response` (uid, allowed,
// status). A token with the `admission` scope of the project, given to the API server through its
// admission kubeconfig, is required: it can ask about images and nothing else.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../app.js';
import { requireScope } from '../auth.js';
import { evaluateReview } from '../admission/evaluate.js';
import { POLICY_NAME, type AdmissionPolicies } from '../admission/policy.js';
import { admissionReviewSchema, type AdmissionReview } from '../admission/review.js';
import { bearer, ok, projectParam, refusals } from './schemas.js';

/** A review carries the object and, on UPDATE, the old one; Kubernetes objects are at most ~1.5 MiB each in etcd. */
const MAX_REVIEW_BYTES = 8 * 1024 * 1024;

export function admissionRoutes(ctx: ServerContext, policies: AdmissionPolicies): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { project: string; policy: string }; Body: AdmissionReview }>(
      '/projects/:project/admission/:policy',
      {
        bodyLimit: MAX_REVIEW_BYTES,
        onRequest: requireScope(ctx.store, 'admission'),
        attachValidation: true,
        schema: {
          summary: 'Kubernetes ValidatingAdmissionWebhook: allow or deny the pods a reviewed object would run, by a named policy',
          description:
            'The body is the admission.k8s.io/v1 AdmissionReview the API server sends. Pods and the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and ReplicationControllers are judged (containers, initContainers, ephemeralContainers); DELETE, CONNECT and other kinds are allowed. The answer is an AdmissionReview whose response.status.message gives one line per denied image.',
          tags: ['admission'],
          security: bearer,
          params: {
            type: 'object',
            properties: { project: projectParam, policy: { type: 'string', pattern: POLICY_NAME.source } },
            required: ['project', 'policy'],
          },
          body: admissionReviewSchema,
          response: {
            200: ok('{ apiVersion: admission.k8s.io/v1, kind: AdmissionReview, response: { uid, allowed, status: { code, message }, warnings } }'),
            ...refusals,
          },
        },
      },
      async (request, reply) => {
        const invalid = request.validationError;
        if (invalid)
          return reply
            .code(400)
            .send({ error: invalid.validationContext === 'body' ? `not an admission.k8s.io/v1 AdmissionReview: ${invalid.message}` : invalid.message });
        const policy = policies.get(request.params.policy);
        if (!policy)
          return reply.code(404).send({
            error: `no admission policy ${request.params.policy} (configured: ${[...policies.keys()].join(', ') || 'none; see --admission-policies'})`,
          });
        const response = await evaluateReview(ctx.store, request.params.project, policy, request.body.request, (m) => request.log.error(m));
        return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
      },
    );
  };
}
