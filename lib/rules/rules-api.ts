// handle.rules: add, delete, list and flush policy rules, like `ip rule`.
import type { HandleCore } from '../core';
import { FlushError, type NetlinkError } from '../errors';
import { AF, NLM_F, type RuleRecord } from '../native';
import { describeRule } from './describe';
import { RULE_FIELD_OF_ATTRIBUTE } from './codes';
import { recordToRule } from './from-record';
import { ruleToRecord } from './to-record';
import type { Rule, RuleFilter, RuleScope, RuleSpec } from './types';
import { ruleCovers, ruleIdentity } from './identity';
import {
  readDesired,
  readReconcileOptions,
  readScope,
  reconcile,
  type NewBatch,
  type ReconcileOptions,
  type ReconcileResult,
} from '../reconcile';
import { ValidationError } from '../errors';
import { integer, U32 } from '../validate';
import { plainSpec } from '../plain';
import { sharedHead } from '../requests/heads';
import type { Turn } from '../sequencer';
import type { CallOptions } from '../abort';
import type { AbortToken } from '../native';

export class Rules {
  constructor(
    private readonly core: HandleCore,
    private readonly newBatch: NewBatch,
  ) {}

  /**
   * `ip rule add`: fails with EEXIST when an identical rule exists at the same
   * priority. Without a priority the kernel picks one (just below the second rule).
   */
  add(rule: RuleSpec): Promise<void> {
    return this.modify('add', rule, NLM_F.CREATE | NLM_F.EXCL);
  }

  /**
   * `ip rule del`: removes the first rule (lowest priority) that matches every field
   * given. ENOENT when none does. A rule from `list()` deletes exactly itself.
   */
  delete(match: RuleSpec): Promise<void> {
    return this.modify('delete', match, 0);
  }

  /** `ip rule list`: IPv4 and IPv6 unless the filter names a family. */
  async list(filter: RuleFilter = {}, options?: CallOptions): Promise<Rule[]> {
    return this.core.runAbortable('rule list', options, (turn, token) => this.listed(filter, turn, token));
  }

  /** @internal list() without the open-handle bookkeeping, for other operations' use. */
  async listed(filter: RuleFilter, turn?: Turn, token?: AbortToken): Promise<Rule[]> {
    const { family, record } = this.selector(filter);
    const dump = () => this.core.direct().ruleDump(family, record, token);
    const reply = await (turn ? turn.send(dump) : dump());
    if ('error' in reply) throw this.core.failure(reply.error, 'rule list', describeRule(filter));
    return reply.rules.map(recordToRule);
  }

  /**
   * `ip rule flush`: deletes every rule that matches the filter except priority 0.
   * Note that, as in iproute2, an empty filter also deletes the main and default rules.
   * Resolves to the number of rules deleted.
   */
  async flush(filter: RuleFilter = {}, options?: CallOptions): Promise<number> {
    const operation = 'rule flush';
    return this.core.runAbortable(operation, options, async (turn, token) => {
      const { family, record } = this.selector(filter);
      const reply = await turn.send(() => this.core.direct().ruleFlush(family, record, token));
      if ('error' in reply) throw this.core.failure(reply.error, operation, describeRule(filter));
      const failures: NetlinkError[] = [];
      reply.outcomes.forEach((outcome, i) => {
        if (outcome === null) return; // the common case: no error to describe
        const error = this.core.toError(outcome, 'rule delete', describeRule(recordToRule(reply.rules[i])), RULE_FIELD_OF_ATTRIBUTE);
        if (error) failures.push(error);
      });
      const deleted = reply.outcomes.length - failures.length;
      if (failures.length) throw new FlushError(operation, deleted, failures);
      return deleted;
    });
  }

  /**
   * Makes the rules in `scope` exactly `desired`: adds what is missing, deletes what
   * is not desired, leaves the rest, and touches nothing outside the scope (a desired
   * rule outside it is a ValidationError). Desired rules need their priority. A
   * second reconcile to the same set sends nothing.
   */
  async reconcile(scope: RuleScope, desired: RuleSpec[], options?: ReconcileOptions<Rule>): Promise<ReconcileResult<Rule, RuleSpec>> {
    const { call, owns } = readReconcileOptions<Rule>(options);
    return this.core.runAbortable('rule reconcile', call, async (turn, token) => {
      const { priority, ...fields } = readScope<RuleScope>(scope);
      desired = readDesired<RuleSpec>(desired);
      const [low, high] = priorityRange(priority);
      const selector = ruleToRecord(fields, 'filter', this.core.names);
      const inScope = (record: RuleRecord) =>
        record.priority !== undefined && record.priority >= low && record.priority <= high && ruleCovers(record, selector);
      const current = (await this.listed(fields, turn, token)).filter(
        (rule) => rule.priority >= low && rule.priority <= high && (owns === undefined || owns(rule)),
      );
      return reconcile<Rule, RuleSpec>(
        {
          current,
          desired,
          identitiesOfCurrent: (rule) => [ruleIdentity(ruleToRecord(rule, 'add', this.core.names))],
          identityOfDesired: (spec) => ruleIdentity(ruleToRecord(spec, 'add', this.core.names)),
          checkInScope: (spec, i) => {
            const record = ruleToRecord(spec, 'add', this.core.names);
            if (record.priority === undefined)
              throw new ValidationError(`desired[${i}].priority`, undefined, 'a reconciled rule needs its priority');
            if (!inScope(record)) throw new ValidationError(`desired[${i}]`, spec, 'lies outside the reconcile scope');
          },
          remove: (batch, rule) => batch.rules.delete(rule),
          add: (batch, spec) => batch.rules.add(spec),
        },
        this.newBatch,
        call.signal as AbortSignal | undefined,
      );
    });
  }

  private modify(kind: 'add' | 'delete', spec: RuleSpec, flags: number): Promise<void> {
    // Shared name and head: a call keeps only what these closures share until its
    // answer (see core.change()).
    const operation = kind === 'add' ? 'rule add' : 'rule delete';
    const head = sharedHead('rule', kind === 'delete', flags);
    return this.core.change(
      operation,
      () => {
        spec = plainSpec<RuleSpec>('rule', spec);
        return { head, record: ruleToRecord(spec, kind, this.core.names) };
      },
      (outcome) => {
        const error = this.core.toError(outcome, operation, () => describeRule(spec), RULE_FIELD_OF_ATTRIBUTE);
        if (error) throw error;
      },
    );
  }

  /** @internal what list() asks the native side for: the family and the filter record. */
  selector(filter: RuleFilter): { family: number; record: RuleRecord | null } {
    const record = ruleToRecord(filter, 'filter', this.core.names);
    const family = record.family ?? AF.UNSPEC;
    return { family, record: Object.keys(record).length ? record : null };
  }
}

/**
 * A scope's priority as an inclusive range; when not given, every priority but 0: the
 * local-table rule at priority 0 is the namespace's own, and a reconcile deletes it
 * only when the scope names priority 0 itself.
 */
function priorityRange(priority: unknown): [number, number] {
  if (priority === undefined) return [1, U32];
  if (Array.isArray(priority) && priority.length === 2) {
    const low = integer('priority', priority[0], 0, U32);
    const high = integer('priority', priority[1], 0, U32);
    if (low > high) throw new ValidationError('priority', priority, 'range start is greater than its end');
    return [low, high];
  }
  const one = integer('priority', priority, 0, U32);
  return [one, one];
}
