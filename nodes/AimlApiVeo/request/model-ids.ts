/**
 * Lists read off the model table for the UI: the model ids a field shows or hides for (its
 * `displayOptions`).
 */
import type { Frame, OptionName, VeoModel } from './model-row';
import { takesFrame } from './model-row';
import type { OmniTask } from './omni-models';
import { MODELS } from './models';

/** Every id the table knows, aliases included: the values a field may be shown or hidden for. */
export function knownIds(models: VeoModel[] = MODELS): string[] {
	return models.flatMap((model) => [model.id, ...(model.aliases ?? [])]);
}

/** Model ids (aliases too) of the Gemini Omni rows; those that take a task. */
export const omniModels = (task?: OmniTask): string[] =>
	knownIds(MODELS.filter((model) => model.omni && (!task || model.omni.tasks.includes(task))));

/** Model ids (aliases too) that take a given image input, required or not. */
export function modelsWithFrame(frame: Frame): string[] {
	return knownIds(MODELS.filter((model) => takesFrame(model, frame)));
}

/** Model ids that take reference images, or a video to extend. */
export const modelsWithReferences = (): string[] =>
	knownIds(MODELS.filter((model) => model.referenceImages));
export const modelsWithVideo = (): string[] => knownIds(MODELS.filter((model) => model.videoInput));

/**
 * Known model ids that do not accept a given option; drives `displayOptions.hide`, so the UI
 * shows an option for the models that take it and for any model the table does not know.
 */
export function modelsWithoutOption(option: OptionName): string[] {
	return knownIds(MODELS.filter((model) => !model.options.includes(option)));
}
