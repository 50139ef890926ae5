import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { assertKeyMayBeSent } from '../nodes/AimlApiVeo/transport/base-url';

export class AimlVeoApi implements ICredentialType {
	// Not `aimlApi`: the older AIML API community package registers that name, and
	// n8n looks credential types up by name across every installed package.
	name = 'aimlVeoApi';

	displayName = 'AIML API';

	icon: Icon = {
		light: 'file:../nodes/AimlApiVeo/aimlapi.svg',
		dark: 'file:../nodes/AimlApiVeo/aimlapi.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-aimlapi-veo/n8n-nodes-aimlapi-veo#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your AIML API key, from https://aimlapi.com/app/keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.aimlapi.com',
			description:
				'Change only to go through a proxy or a local simulator. Must be https, or http to a loopback address.',
		},
	];

	/**
	 * Adds `Authorization: Bearer <key>`, but only to a request that goes to the Base URL's origin
	 * over https (plain http only to this machine) with no user name or password in its URL; any
	 * other request fails here, before it is sent. This covers every request n8n authenticates with
	 * this credential: the node's own, the credential's Test (so an unsafe Base URL fails the Test
	 * with a message saying why, and nothing is sent), and the HTTP Request node when it uses this
	 * credential. The key is also never forwarded if the server redirects to another origin.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		assertKeyMayBeSent(requestOptions, credentials.baseUrl);
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${String(credentials.apiKey ?? '')}`,
			},
			sendCredentialsOnCrossOriginRedirect: false,
		};
	}

	// /v2/billing needs a valid key (unlike /v1/models), so a wrong key fails the test. The base
	// is trimmed the way the node trims it (spaces, trailing slashes, a trailing /v1 or /v2), so
	// the Test calls the same URL the node will.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{(String($credentials.baseUrl || "").trim() || "https://api.aimlapi.com").replace(/\\/+$/, "").replace(/\\/v[12]$/, "")}}',
			url: '/v2/billing',
			method: 'GET',
		},
	};
}
