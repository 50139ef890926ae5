import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AimlVeoApi implements ICredentialType {
	// Not `aimlApi`: the older AIML API community package registers that name, and
	// n8n looks credential types up by name across every installed package.
	name = 'aimlVeoApi';

	displayName = 'AIML API';

	icon: Icon = {
		light: 'file:../nodes/AimlApiVeo/aimlapi.svg',
		dark: 'file:../nodes/AimlApiVeo/aimlapi.dark.svg',
	};

	documentationUrl = 'https://docs.aimlapi.com/quickstart/setting-up';

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

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// /v2/billing needs a valid key (unlike /v1/models), so a wrong key fails the test.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{String($credentials.baseUrl || "https://api.aimlapi.com").replace(/\\/+$/, "")}}',
			url: '/v2/billing',
			method: 'GET',
		},
	};
}
