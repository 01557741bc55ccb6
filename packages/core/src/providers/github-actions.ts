import { fail } from '../config/validate.js';
import { argumentsOf, insecureHttp, requiredString, stringList, type InsecureHttpArgument, type ProviderOptions } from './common.js';
import type { ArgumentKeys } from '../config/known-keys.js';

export interface GithubActionsArguments extends InsecureHttpArgument {
  /** The audience your workflow requests (`core.getIDToken(audience)`); GitHub's default is `https://github.com/<owner>`. */
  audience: string | readonly string[];
  /** Only workflows of repositories owned by this user or organisation (`repository_owner`). */
  owner?: string;
  /** Only workflows of this repository, `owner/name` (`repository`). */
  repository?: string;
}

/** Every argument, how it is written in an `AUTHGATE_GITHUB_ACTIONS_*` variable, and whether it is required. */
export const GITHUB_ACTIONS_ARGUMENTS: ArgumentKeys<GithubActionsArguments> = {
  audience: 'list',
  owner: 'string?',
  repository: 'string?',
  allowInsecureHttp: 'boolean?',
};

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/**
 * GitHub Actions OIDC (workload identity): issuer `https://token.actions.githubusercontent.com`, keys by discovery;
 * `repository_owner` and `repository` checked when given. Subjects look like `repo:owner/name:ref:refs/heads/main`.
 * Without `owner` or `repository`, any workflow on GitHub that asks for your audience is accepted: give one.
 * `identity.kind` is `'client'`: a workflow run is a workload, whoever triggered it.
 */
export function githubActions(args: GithubActionsArguments): ProviderOptions {
  const given = argumentsOf('githubActions', args, "{ audience: 'https://github.com/acme', repository: 'acme/deploy' }", GITHUB_ACTIONS_ARGUMENTS);
  const claims: Record<string, string> = {};
  if (given.owner !== undefined) {
    const owner = requiredString('githubActions', 'owner', given.owner, "'acme'");
    if (!OWNER.test(owner)) fail(`providers.githubActions: owner must be a GitHub user or organisation name; got ${JSON.stringify(owner)}`);
    claims.repository_owner = owner;
  }
  if (given.repository !== undefined) {
    const repository = requiredString('githubActions', 'repository', given.repository, "'acme/deploy'");
    if (!REPOSITORY.test(repository))
      fail(`providers.githubActions: repository must be owner/name, e.g. 'acme/deploy'; got ${JSON.stringify(repository)}`);
    if (claims.repository_owner !== undefined && !repository.startsWith(`${claims.repository_owner}/`)) {
      fail(`providers.githubActions: repository ${JSON.stringify(repository)} is not owned by ${JSON.stringify(claims.repository_owner)}`);
    }
    claims.repository = repository;
  }
  return {
    issuer: 'https://token.actions.githubusercontent.com',
    audience: stringList('githubActions', 'audience', given.audience, "'https://github.com/acme'"),
    algorithms: ['RS256'],
    ...(Object.keys(claims).length === 0 ? {} : { claims }),
    tokenKind: 'client',
    ...insecureHttp(given),
  };
}
