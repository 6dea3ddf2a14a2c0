// Bind Twilio phone numbers to Elastic SIP trunks, with no number cut by surprise.
package twiliotrunking
