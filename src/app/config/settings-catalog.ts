import { AppConfig, type SettingGroup } from './app-config';
import { declaredSecrets, looksSecret } from './secret-settings';
import { envNames } from './settings/setting';

/** One setting: its environment variable, and where it lives in AppConfig. */
export interface SettingEntry {
  name: string;
  group: SettingGroup;
  property: string;
  /** Declared @SecretSetting(), or named like a secret. */
  secret: boolean;
}

type GroupClass = abstract new () => object;

/** Each group of AppConfig with its class, in declaration order. */
export function settingGroups(): [SettingGroup, GroupClass][] {
  return Object.entries(new AppConfig()).map(([group, value]) => [
    group as SettingGroup,
    (value as object).constructor as GroupClass,
  ]);
}

/** Every setting read from the environment, from the @Setting declarations themselves. */
export function settingCatalog(): SettingEntry[] {
  return settingGroups().flatMap(([group, groupClass]) => {
    const secrets = declaredSecrets(groupClass);
    return [...envNames(groupClass)].map(([property, name]) => ({
      name,
      group,
      property,
      secret: secrets.includes(property) || looksSecret(name),
    }));
  });
}

/** Every environment variable name a setting is read from. */
export function settingNames(): string[] {
  return settingCatalog().map((entry) => entry.name);
}

/** Whether a value of the variable must never be shown (declared, or named like a secret). */
export function isSecretSetting(name: string): boolean {
  return looksSecret(name) || settingCatalog().some((entry) => entry.name === name && entry.secret);
}
