import { describe, expect, it } from 'vitest';
import { fillTemplate, templateVariables } from './templates.ts';

describe('canned responses', () => {
  it('finds each variable once, in order, Cyrillic names included', () => {
    expect(templateVariables('Здравствуйте, {{имя}}! Заказ {{ order }} отправлен, {{имя}}.')).toEqual(['имя', 'order']);
    expect(templateVariables('no variables {here} or {{}}')).toEqual([]);
  });

  it('fills the variables it has values for and leaves the rest visible', () => {
    expect(fillTemplate('Заказ {{order}} для {{имя}}', { order: '№42' })).toBe('Заказ №42 для {{имя}}');
    expect(fillTemplate('{{a}}{{a}}', { a: 'x' })).toBe('xx');
  });
});
