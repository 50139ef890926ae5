import type {
	ICredentialType,
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { isNodeClassInstance, NodeHelpers } from 'n8n-workflow';

import { AimlVeoApi } from '../../credentials/AimlVeoApi.credentials';

/** Node type name under which n8n loads our node from the installed package. */
export const AIMLAPI_VEO_NODE_TYPE = 'n8n-nodes-aimlapi-veo.aimlApiVeo';

const NODE_MODULE = '../../nodes/AimlApiVeo/AimlApiVeo.node';

export type NodeTypeMap = Record<string, INodeType | IVersionedNodeType>;

/**
 * The package's own node, by the type name n8n gives it. While the node's source file does
 * not exist yet this returns no types (tests then register a stand-in through `nodeTypes`);
 * any other failure to load it, including a missing module *inside* the node, is rethrown.
 */
export function loadDefaultNodeTypes(): NodeTypeMap {
	let loaded: { AimlApiVeo: new () => INodeType | IVersionedNodeType };
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		loaded = require(NODE_MODULE);
	} catch (error) {
		if (isMissingModule(error, NODE_MODULE)) return {};
		throw error;
	}
	return { [AIMLAPI_VEO_NODE_TYPE]: new loaded.AimlApiVeo() };
}

/** The package's credential types, by credential type name. */
export function loadDefaultCredentialTypes(): Record<string, ICredentialType> {
	const aimlVeoApi = new AimlVeoApi();
	return { [aimlVeoApi.name]: aimlVeoApi };
}

function isMissingModule(error: unknown, request: string): boolean {
	if (!(error instanceof Error)) return false;
	const { code } = error as NodeJS.ErrnoException;
	return code === 'MODULE_NOT_FOUND' && error.message.includes(`'${request}'`);
}

/**
 * Node type registry handed to n8n's `Workflow`. Besides resolving versions it counts how
 * often each workflow node's `execute`/`trigger`/`poll` function is entered, which is how
 * the harness observes Retry On Fail: n8n-core keeps one run entry per node run, not per try.
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types: Map<string, INodeType | IVersionedNodeType>;

	private readonly resolved = new Map<string, INodeType>();

	private readonly calls = new Map<string, number>();

	private readonly instrumentedTypes = new Set<string>();

	constructor(types: NodeTypeMap) {
		this.types = new Map(Object.entries(types));
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (type === undefined) throw unknownNodeType(nodeType);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const key = `${nodeType}@${version ?? 'latest'}`;
		let type = this.resolved.get(key);
		if (type === undefined) {
			const versioned = NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
			type = this.instrument(nodeType, versioned);
			this.resolved.set(key, type);
		}
		return type;
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const [name, type] of this.types) {
			known[name] = { className: type.constructor.name, sourcePath: '' };
		}
		return known;
	}

	/** How many times the workflow node's own function was entered (every try counts). */
	callCount(nodeName: string): number {
		return this.calls.get(nodeName) ?? 0;
	}

	/** Whether calls to nodes of this type are counted (declarative nodes are not). */
	isInstrumented(nodeType: string): boolean {
		return this.instrumentedTypes.has(nodeType);
	}

	private count(nodeName: string): void {
		this.calls.set(nodeName, this.callCount(nodeName) + 1);
	}

	private instrument(typeName: string, type: INodeType): INodeType {
		if (!type.execute && !type.trigger && !type.poll) return type;
		this.instrumentedTypes.add(typeName);
		// The copy keeps the original as prototype, so everything but the wrapped
		// functions (description, methods, class tag) is the original's.
		const copy = Object.create(type) as INodeType;
		const count = (nodeName: string) => this.count(nodeName);
		const classStyle = isNodeClassInstance(type);
		for (const fn of ['execute', 'trigger', 'poll'] as const) {
			const original = type[fn] as ((...args: unknown[]) => unknown) | undefined;
			if (typeof original !== 'function') continue;
			const wrapped = classStyle
				? function (this: unknown, context: { getNode(): { name: string } }, ...rest: unknown[]) {
						count(context.getNode().name);
						return original.call(type, context, ...rest);
					}
				: function (this: { getNode(): { name: string } }, ...args: unknown[]) {
						count(this.getNode().name);
						return original.apply(this, args);
					};
			Object.defineProperty(copy, fn, { value: wrapped, writable: true, configurable: true });
		}
		return copy;
	}
}

function unknownNodeType(nodeType: string): Error {
	return new Error(
		`Unrecognized node type: ${nodeType}. Register it through the harness option \`nodeTypes\`.`,
	);
}
