import './env';

import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { getAdditionalKeys } from 'n8n-core';
import { ICredentialsHelper, isExpression, NodeHelpers } from 'n8n-workflow';

/**
 * Credentials for a harness run: plaintext data looked up by credential *type* name (the
 * `{ id, name }` a workflow node refers to is ignored), with the credential type's defaults
 * applied and its `authenticate` block applied to outgoing requests, the way n8n's own
 * credentials helper does it. n8n-core leaves both of these to the host application.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	/** When set, every authenticated request is checked with it just before it is sent. */
	requestGuard?: (requestOptions: IHttpRequestOptions) => void;

	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		private readonly credentials: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getCredentialType(typeName: string): ICredentialType {
		const type = this.credentialTypes[typeName];
		if (type === undefined) {
			throw new Error(`Unknown credential type "${typeName}": the harness was not given it`);
		}
		return type;
	}

	getParentTypes(typeName: string): string[] {
		const parents = this.credentialTypes[typeName]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(typeName: string): INodeProperties[] {
		const type = this.getCredentialType(typeName);
		if (!type.extends) return type.properties;
		const merged: INodeProperties[] = [];
		for (const parent of type.extends) {
			NodeHelpers.mergeNodeProperties(merged, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(merged, type.properties);
		return merged;
	}

	/** The stored data of one credential type with the type's defaults filled in. */
	withDefaults(
		typeName: string,
		data: ICredentialDataDecryptedObject,
	): ICredentialDataDecryptedObject {
		const filled = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(typeName),
			data as INodeParameters,
			true,
			false,
			null,
			null,
		);
		return (filled ?? {}) as ICredentialDataDecryptedObject;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		typeName: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.credentials[typeName];
		if (stored === undefined) {
			throw new Error(
				`No credentials of type "${typeName}" were given to the harness (option \`credentials\`)`,
			);
		}
		if (raw === true) return { ...stored };
		const data = this.withDefaults(typeName, stored);
		if (!expressionResolveValues) return data;
		// Credential fields may themselves be expressions; n8n resolves them in the context of
		// the node and item that asked for the credential.
		const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
			expressionResolveValues;
		return workflow.expression.getParameterValue(
			data as INodeParameters,
			runExecutionData,
			runIndex,
			itemIndex,
			node.name,
			connectionInputData,
			mode,
			getAdditionalKeys(additionalData, mode, null, { isCredential: true }),
			executeData,
			false,
			data,
		) as ICredentialDataDecryptedObject;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.getCredentialType(typeName);
		let result = requestOptions as IHttpRequestOptions;
		if (typeof authenticate === 'function') {
			result = await authenticate(credentials, result);
		} else if (authenticate?.type === 'generic') {
			if (!workflow || !node) {
				throw new Error('Generic credential authentication needs the workflow and the node');
			}
			const resolve = (value: unknown) =>
				resolveCredentialExpression(value, credentials, workflow, node);
			const target = result as unknown as Record<string, unknown>;
			for (const [section, entries] of Object.entries(authenticate.properties)) {
				if (entries !== null && typeof entries === 'object') {
					const existing = target[section];
					const merged: IDataObject =
						existing !== null && typeof existing === 'object' ? (existing as IDataObject) : {};
					for (const [key, value] of Object.entries(entries as IDataObject)) {
						merged[String(resolve(key))] = resolve(value) as IDataObject[string];
					}
					target[section] = merged;
				} else {
					target[section] = resolve(entries);
				}
			}
		}
		this.requestGuard?.(result);
		return result;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.getCredentialType(typeName);
		if (typeof type.preAuthentication !== 'function') return undefined;
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined) return undefined;
		// A credential test (n8n runs it on a temporary No-Op node) always fetches a fresh token.
		const testing = node?.type === 'n8n-nodes-base.noOp' && node.parameters?.temp === '';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !testing) return undefined;
		const output = (await type.preAuthentication.call(helpers, credentials)) as IDataObject;
		if (output[expirable.name] === undefined) return undefined;
		// Keep the fresh token for later requests of this run, as n8n stores it.
		const fresh = output as ICredentialDataDecryptedObject;
		this.credentials[typeName] = { ...this.credentials[typeName], ...fresh };
		return Object.assign(credentials, fresh);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.getCredentialType(typeName);
		if (typeof type.preAuthentication !== 'function') return undefined;
		return (await type.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		throw new Error(
			`Stored credential objects are not available in the harness (asked for "${nodeCredentials.name}" of type "${type}")`,
		);
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.credentials[type] = data;
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.credentials[type] = { ...this.credentials[type], oauthTokenData: data.oauthTokenData };
	}
}

/** Resolves one value of an `authenticate` block: expressions see `$credentials`. */
function resolveCredentialExpression(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
	workflow: Workflow,
	node: INode,
): unknown {
	if (!isExpression(value)) return value;
	const resolved = workflow.expression.getSimpleParameterValue(
		node,
		value,
		'internal',
		{ $credentials: credentials },
		undefined,
		'',
	);
	// n8n turns empty results into '' and everything else into text.
	return resolved ? resolved.toString() : '';
}
