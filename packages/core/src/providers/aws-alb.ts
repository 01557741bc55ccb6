import { fail } from '../config/validate.js';
import {
  argumentsOf,
  awsRegion,
  insecureHttp,
  requiredString,
  stringList,
  urlArgument,
  type InsecureHttpArgument,
  type ProviderOptions,
} from './common.js';
import type { ArgumentKeys } from '../config/known-keys.js';

export interface AwsAlbArguments extends InsecureHttpArgument {
  /** The load balancer's region, e.g. `'eu-west-1'`. */
  region: string;
  /** The load balancer's ARN: the token's `signer` header must equal it. */
  albArn: string;
  /** The identity provider's issuer configured on the listener (`iss`); omitted, `iss` is not checked (the signer is). */
  issuer?: string;
  /** The OIDC client id(s) configured on the listener (the `client` header). Not checked when omitted. */
  clientId?: string | readonly string[];
}

/** Every argument, how it is written in an `AUTHGATE_AWS_ALB_*` variable, and whether it is required. */
export const AWS_ALB_ARGUMENTS: ArgumentKeys<AwsAlbArguments> = {
  region: 'string',
  albArn: 'string',
  issuer: 'string?',
  clientId: 'list?',
  allowInsecureHttp: 'boolean?',
};

const ALB_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:loadbalancer\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;

/**
 * The user claims an AWS Application Load Balancer puts in `x-amzn-oidc-data` after authenticating a user: ES256,
 * no JWKS (one PEM public key per kid at `https://public-keys.auth.elb.<region>.amazonaws.com/<kid>`), the `signer`
 * header must be your load balancer, no `aud`. ALB pads each base64url segment with `=` (RFC 7515 forbids it): this
 * preset accepts exact padding, and only for these tokens. Only use it behind the ALB: it sets the header itself,
 * replacing any a client sent.
 */
export function awsAlb(args: AwsAlbArguments): ProviderOptions {
  const given = argumentsOf(
    'awsAlb',
    args,
    "{ region: 'eu-west-1', albArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188' }",
    AWS_ALB_ARGUMENTS,
  );
  const region = awsRegion('awsAlb', given.region);
  const albArn = requiredString(
    'awsAlb',
    'albArn',
    given.albArn,
    "'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188'",
  );
  const arn = ALB_ARN.exec(albArn);
  if (arn === null)
    fail(
      `providers.awsAlb: albArn must be an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>); got ${JSON.stringify(albArn)}`,
    );
  if (arn[1] !== region) fail(`providers.awsAlb: albArn is in region ${arn[1]}, not ${region}: the keys are per region`);
  const issuer =
    given.issuer === undefined
      ? null
      : urlArgument('awsAlb', 'issuer', given.issuer, given, "'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123'") && given.issuer;
  const clientIds = given.clientId === undefined ? undefined : stringList('awsAlb', 'clientId', given.clientId, "'1example23456789'");
  return {
    issuer,
    audience: null,
    algorithms: ['ES256'],
    publicKeyUri: `https://public-keys.auth.elb.${region}.amazonaws.com/{kid}`,
    requireHeaders: { signer: albArn, ...(clientIds === undefined ? {} : { client: clientIds }) },
    paddedSegments: true,
    tokenLocations: { header: 'x-amzn-oidc-data' },
    ...insecureHttp(given),
  };
}
