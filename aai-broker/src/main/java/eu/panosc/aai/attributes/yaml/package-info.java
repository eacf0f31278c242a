/** Reading attribute configuration files (YAML or JSON) with line numbers for every error. */
package eu.panosc.aai.attributes.yaml;
